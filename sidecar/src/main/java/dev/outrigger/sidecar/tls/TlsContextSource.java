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
}
