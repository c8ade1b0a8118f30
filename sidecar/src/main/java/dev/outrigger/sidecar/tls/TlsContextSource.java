package dev.outrigger.sidecar.tls;

import io.netty.handler.ssl.SslContext;

/**
 * The TLS context a listener chain or a cluster uses now. Credentials rotate by publishing a new
 * context: every handshake from then on uses it, connections already open keep theirs.
 */
public interface TlsContextSource {

    /** The context for a handshake starting now, or null while no valid credentials are known. */
    SslContext current();

    /** Seconds since the epoch when this side's certificate expires, or {@link Long#MAX_VALUE} when unknown. */
    long expiresAtEpochSecond();

    /** The context and its certificate's expiry, read together (null while no valid credentials are known). */
    default Snapshot snapshot() {
        SslContext c = current();
        return c == null ? null : new Snapshot(c, expiresAtEpochSecond());
    }

    /**
     * A context with the expiry of the certificate it presents.
     *
     * @param context the TLS context
     * @param expiresAtEpochSecond when its certificate expires, or {@link Long#MAX_VALUE}
     */
    record Snapshot(SslContext context, long expiresAtEpochSecond) {
    }
}
