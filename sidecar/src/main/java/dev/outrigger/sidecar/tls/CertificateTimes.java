package dev.outrigger.sidecar.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * When a TLS connection must be replaced: before the first of its two certificates (this side's
 * and the peer's) expires, with a margin that leaves time to reconnect — a tenth of the
 * certificate's life, at most a minute.
 */
public final class CertificateTimes {

    /** The longest margin. */
    static final long MAX_MARGIN_MILLIS = 60_000;

    private CertificateTimes() {
    }

    /** Milliseconds from {@code nowMillis} until the connection should be replaced (0 if already due), or Long.MAX_VALUE. */
    public static long renewalDelayMillis(SSLSession session, long nowMillis) {
        X509Certificate local = leaf(session.getLocalCertificates());
        X509Certificate peer = null;
        try {
            peer = leaf(session.getPeerCertificates());
        } catch (SSLPeerUnverifiedException e) {
            // No peer certificate (a listener that does not ask for one): only ours counts.
        }
        X509Certificate first = earliest(local, peer);
        if (first == null) {
            return Long.MAX_VALUE;
        }
        long notAfter = first.getNotAfter().getTime();
        long life = notAfter - first.getNotBefore().getTime();
        long margin = Math.min(MAX_MARGIN_MILLIS, Math.max(0, life / 10));
        return Math.max(0, notAfter - margin - nowMillis);
    }

    private static X509Certificate earliest(X509Certificate a, X509Certificate b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.getNotAfter().before(b.getNotAfter()) ? a : b;
    }

    private static X509Certificate leaf(Certificate[] chain) {
        return chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
    }
}
