package dev.outrigger.sidecar.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * When a TLS connection must be replaced: before the first of its two certificates (this side's
 * and the peer's) expires. The side that opened the connection replaces it first — a minute
 * before expiry, or halfway through the remaining life when less than two minutes remain — and
 * the accepting side drains it later (half a minute before, or at nine tenths), as a backstop:
 * a client taking a connection out of its pool is graceful, a server closing one under a client
 * that is about to reuse it is not.
 */
public final class CertificateTimes {

    /** Above this remaining life the margins are fixed. */
    static final long LONG_LIFE_MILLIS = 120_000;

    private CertificateTimes() {
    }

    /**
     * Milliseconds from {@code nowMillis} until the connection should be replaced (0 if already
     * due), or Long.MAX_VALUE when no certificate bounds it.
     *
     * @param opener true on the side that opened the connection (a cluster's), false on a listener's
     * @param localNotAfterMillis when this side's certificate expires, as its context says
     *     (some engines do not report the local certificate of a client), or Long.MAX_VALUE
     */
    public static long renewalDelayMillis(SSLSession session, long nowMillis, boolean opener,
            long localNotAfterMillis) {
        long expires = localNotAfterMillis;
        X509Certificate local = leaf(session.getLocalCertificates());
        if (local != null) {
            expires = Math.min(expires, local.getNotAfter().getTime());
        }
        try {
            X509Certificate peer = leaf(session.getPeerCertificates());
            if (peer != null) {
                expires = Math.min(expires, peer.getNotAfter().getTime());
            }
        } catch (SSLPeerUnverifiedException e) {
            // No peer certificate (a listener that does not ask for one): only ours counts.
        }
        return delayMillis(expires, nowMillis, opener);
    }

    /**
     * Milliseconds from {@code nowMillis} until a connection whose first certificate expires at
     * {@code expiresMillis} (Long.MAX_VALUE: none) should be replaced, 0 if already due.
     */
    static long delayMillis(long expiresMillis, long nowMillis, boolean opener) {
        if (expiresMillis == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long remaining = expiresMillis - nowMillis;
        if (remaining <= 0) {
            return 0;
        }
        if (remaining > LONG_LIFE_MILLIS) {
            return remaining - (opener ? 60_000 : 30_000);
        }
        // Halving the remaining life bounds the reconnections a connection can go through while
        // no newer certificate has come (each gets half of what is left); the accepting side acts
        // well after the opener, so the two never race to close the same connection.
        return opener ? remaining / 2 : remaining * 9 / 10;
    }

    private static X509Certificate leaf(Certificate[] chain) {
        return chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
    }
}
