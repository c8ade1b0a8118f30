package dev.outrigger.sidecar.downstream;

import io.netty.util.AttributeKey;

/**
 * What a mutual-TLS handshake established about a downstream connection: the client's SPIFFE ID,
 * the hash of its certificate, and this side's own SPIFFE ID. Set once the handshake succeeded;
 * filters and {@code x-forwarded-client-cert} read it.
 *
 * @param uri the client certificate's URI SAN (its SPIFFE ID), or null
 * @param sha256 the SHA-256 of the client certificate (DER), lower-case hex, or null without one
 * @param localUri this side's certificate's URI SAN, or null
 */
public record PeerCertificate(String uri, String sha256, String localUri) {

    /** The attribute of a connection (an HTTP/2 stream finds it on its parent). */
    public static final AttributeKey<PeerCertificate> KEY = AttributeKey.valueOf(PeerCertificate.class, "peer");

    /** Whether the client presented a certificate. */
    public boolean present() {
        return sha256 != null;
    }

    /** The peer certificate of the connection {@code channel} belongs to (itself, or an HTTP/2 stream's parent), or null. */
    public static PeerCertificate of(io.netty.channel.Channel channel) {
        // An accepted connection's parent is the listening socket; only a stream's parent is its connection.
        io.netty.channel.Channel connection = channel instanceof io.netty.handler.codec.http2.Http2StreamChannel
                ? channel.parent() : channel;
        return connection.attr(KEY).get();
    }
}
