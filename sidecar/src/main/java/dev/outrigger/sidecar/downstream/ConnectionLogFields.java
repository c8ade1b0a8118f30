package dev.outrigger.sidecar.downstream;

import dev.outrigger.sidecar.accesslog.AccessLogEntry;
import io.netty.channel.Channel;

/**
 * What a downstream connection established once and every access log entry of it repeats: the
 * SNI the client sent and its certificate's URI SAN (the caller's SPIFFE ID). Both are kept on
 * the connection as the handshake left them, so nothing is computed per entry.
 */
public final class ConnectionLogFields {

    private ConnectionLogFields() {
    }

    /** Sets the SNI and peer URI SAN of the connection {@code channel} belongs to (itself or an HTTP/2 stream's parent). */
    public static void fill(AccessLogEntry entry, Channel channel) {
        String sni = ServerName.of(channel);
        if (!sni.isEmpty()) {
            entry.requestedServerName(sni);
        }
        PeerCertificate cert = PeerCertificate.of(channel);
        if (cert != null) {
            entry.peerUriSan(cert.uri());
        }
    }
}
