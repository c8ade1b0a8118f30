package dev.outrigger.mtls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** The SPIFFE ID a TLS peer proved in its handshake. */
public final class PeerIdentity {

    private PeerIdentity() {
    }

    /**
     * The SPIFFE ID of the peer's leaf certificate; empty if the peer sent no certificate (a
     * client when client certificates are optional) or one without a SPIFFE ID.
     */
    public static Optional<SpiffeId> of(SSLSession session) {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        return SpiffeId.fromCertificate(leaf);
    }
}
