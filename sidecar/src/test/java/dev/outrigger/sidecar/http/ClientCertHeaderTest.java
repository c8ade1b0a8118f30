package dev.outrigger.sidecar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.outrigger.sidecar.downstream.PeerCertificate;
import dev.outrigger.sidecar.listener.ForwardClientCert;
import dev.outrigger.sidecar.listener.ForwardClientCert.Mode;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class ClientCertHeaderTest {

    private static final PeerCertificate MTLS = new PeerCertificate("spiffe://td/ns/a/sa/caller", "ab12",
            "spiffe://td/ns/b/sa/callee");
    private static final PeerCertificate PLAIN = null;

    private static String apply(Mode mode, boolean uri, PeerCertificate peer, String sent) {
        HttpHeaders h = new DefaultHttpHeaders();
        if (sent != null) {
            h.set(ClientCertHeader.XFCC, sent);
        }
        ClientCertHeader.apply(h, new ForwardClientCert(mode, uri), peer);
        return h.get(ClientCertHeader.XFCC);
    }

    @Test
    void aClientNeverForgesTheHeaderByDefault() {
        assertNull(apply(Mode.SANITIZE, false, MTLS, "URI=spiffe://td/ns/x/sa/admin"));
        assertNull(apply(Mode.SANITIZE_SET, true, PLAIN, "URI=spiffe://td/ns/x/sa/admin"));
        assertNull(apply(Mode.APPEND_FORWARD, true, PLAIN, "URI=spiffe://td/ns/x/sa/admin"));
        assertNull(apply(Mode.FORWARD_ONLY, true, PLAIN, "URI=spiffe://td/ns/x/sa/admin"));
    }

    @Test
    void setAppendAndForward() {
        assertEquals("By=spiffe://td/ns/b/sa/callee;Hash=ab12;URI=spiffe://td/ns/a/sa/caller",
                apply(Mode.SANITIZE_SET, true, MTLS, "forged"));
        assertEquals("By=spiffe://td/ns/b/sa/callee;Hash=ab12", apply(Mode.SANITIZE_SET, false, MTLS, null));
        assertEquals("prev,By=spiffe://td/ns/b/sa/callee;Hash=ab12;URI=spiffe://td/ns/a/sa/caller",
                apply(Mode.APPEND_FORWARD, true, MTLS, "prev"));
        assertEquals("prev", apply(Mode.FORWARD_ONLY, true, MTLS, "prev"));
        assertEquals("prev", apply(Mode.ALWAYS_FORWARD_ONLY, true, PLAIN, "prev"));
    }
}
