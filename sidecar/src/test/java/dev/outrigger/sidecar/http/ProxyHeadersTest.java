package dev.outrigger.sidecar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class ProxyHeadersTest {

    @Test
    void removesEveryHeaderNamedInConnectionWhateverTheSpacing() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("Connection", "Keep-Alive ,\tx-a,,  X-B  ,close")
                .add("x-a", "1").add("X-B", "2").add("x-c", "3").add("Keep-Alive", "timeout=5");
        ProxyHeaders.removeHopByHop(h);
        assertFalse(h.contains("x-a"));
        assertFalse(h.contains("x-b"));
        assertFalse(h.contains("keep-alive"));
        assertFalse(h.contains("connection"));
        assertEquals("3", h.get("x-c"));
    }

    @Test
    void readsEveryConnectionField() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("Connection", "x-a").add("Connection", "x-b, upgrade")
                .add("x-a", "1").add("x-b", "2").add("Upgrade", "websocket").add("x-c", "3");
        ProxyHeaders.removeHopByHop(h);
        assertFalse(h.contains("x-a"));
        assertFalse(h.contains("x-b"));
        assertFalse(h.contains("upgrade"));
        assertTrue(h.contains("x-c"));
    }

    @Test
    void framingAndHostCannotBeMadeHopByHop() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("Connection", "content-length, Host, transfer-encoding")
                .add("Host", "svc").add("Content-Length", "3").add("Transfer-Encoding", "chunked");
        ProxyHeaders.removeHopByHop(h);
        assertEquals("svc", h.get("host"));
        assertEquals("3", h.get("content-length"));
        assertEquals("chunked", h.get("transfer-encoding"));
    }

    @Test
    void teStaysOnlyAsTrailers() {
        HttpHeaders grpc = new DefaultHttpHeaders().add("TE", "Trailers");
        ProxyHeaders.removeHopByHop(grpc);
        assertTrue(grpc.contains("te"));
        HttpHeaders other = new DefaultHttpHeaders().add("TE", "gzip");
        ProxyHeaders.removeHopByHop(other);
        assertFalse(other.contains("te"));
    }

    @Test
    void requestIdsAreVersion4Uuids() {
        String id = ProxyHeaders.newRequestId();
        assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), id);
    }
}
