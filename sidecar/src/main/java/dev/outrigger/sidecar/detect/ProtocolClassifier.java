package dev.outrigger.sidecar.detect;

import dev.outrigger.sidecar.downstream.DetectedProtocol;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Tells from the first bytes of a connection which protocol the client speaks, deciding as soon
 * as the bytes allow: a pure function over the bytes seen so far, called again as more arrive.
 *
 * <ul>
 *   <li>{@link DetectedProtocol#TLS}: a TLS handshake record header, {@code 0x16 0x03 0x00..0x04}
 *       and a length of 1 to 2^14 (five bytes).
 *   <li>{@link DetectedProtocol#HTTP2}: the whole 24-byte HTTP/2 preface
 *       {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}.
 *   <li>{@link DetectedProtocol#HTTP1}: a known method token ({@code GET HEAD POST PUT DELETE
 *       CONNECT OPTIONS TRACE PATCH}) and a space; the rest of the request line is not awaited.
 *   <li>{@link DetectedProtocol#OTHER}: as soon as no protocol looked for can match any more.
 * </ul>
 * Only what the listener's inspectors look for is recognised; everything else is OTHER.
 */
public final class ProtocolClassifier {

    /** The HTTP/2 connection preface (RFC 9113, section 3.4). */
    static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Method tokens followed by the space that ends them. */
    private static final byte[][] HTTP1_METHODS = {
        ascii("GET "), ascii("HEAD "), ascii("POST "), ascii("PUT "), ascii("DELETE "),
        ascii("CONNECT "), ascii("OPTIONS "), ascii("TRACE "), ascii("PATCH "),
    };

    /** The most bytes a decision can need: the HTTP/2 preface. */
    public static final int MAX_BYTES_NEEDED = HTTP2_PREFACE.length;

    private static final byte TLS_HANDSHAKE = 0x16;
    private static final int TLS_HEADER_BYTES = 5;
    private static final int TLS_MAX_RECORD = 1 << 14;

    /** How far a candidate protocol got. */
    private enum Match { YES, NO, MORE }

    private ProtocolClassifier() {
    }

    /**
     * The protocol of a connection whose first bytes are {@code bytes} (its readable bytes; not
     * consumed), or null when more bytes are needed to decide.
     *
     * @param http look for HTTP/1.x and the HTTP/2 preface ({@code http_inspector})
     * @param tls look for a TLS ClientHello ({@code tls_inspector})
     */
    public static DetectedProtocol classify(ByteBuf bytes, boolean http, boolean tls) {
        if (!bytes.isReadable()) {
            return null;
        }
        boolean more = false;
        if (tls) {
            Match m = tls(bytes);
            if (m == Match.YES) {
                return DetectedProtocol.TLS;
            }
            more = m == Match.MORE;
        }
        if (http) {
            Match m = prefix(bytes, HTTP2_PREFACE);
            if (m == Match.YES) {
                return DetectedProtocol.HTTP2;
            }
            more |= m == Match.MORE;
            for (byte[] method : HTTP1_METHODS) {
                m = prefix(bytes, method);
                if (m == Match.YES) {
                    return DetectedProtocol.HTTP1;
                }
                more |= m == Match.MORE;
            }
        }
        return more ? null : DetectedProtocol.OTHER;
    }

    /** What a connection that stopped sending is: SILENT without a byte, else what the bytes say, OTHER if undecided. */
    public static DetectedProtocol classifyFinal(ByteBuf bytes, boolean http, boolean tls) {
        if (bytes == null || !bytes.isReadable()) {
            return DetectedProtocol.SILENT;
        }
        DetectedProtocol p = classify(bytes, http, tls);
        return p == null ? DetectedProtocol.OTHER : p;
    }

    private static Match tls(ByteBuf b) {
        int start = b.readerIndex();
        int n = b.readableBytes();
        if (b.getByte(start) != TLS_HANDSHAKE) {
            return Match.NO;
        }
        if (n >= 2 && b.getByte(start + 1) != 0x03) {
            return Match.NO;
        }
        if (n >= 3 && (b.getByte(start + 2) < 0x00 || b.getByte(start + 2) > 0x04)) {
            return Match.NO;
        }
        if (n < TLS_HEADER_BYTES) {
            return Match.MORE;
        }
        int length = b.getUnsignedShort(start + 3);
        return length >= 1 && length <= TLS_MAX_RECORD ? Match.YES : Match.NO;
    }

    /** Whether the bytes start with {@code expected} (YES), are a shorter prefix of it (MORE), or differ (NO). */
    private static Match prefix(ByteBuf b, byte[] expected) {
        int start = b.readerIndex();
        int n = Math.min(b.readableBytes(), expected.length);
        for (int i = 0; i < n; i++) {
            if (b.getByte(start + i) != expected[i]) {
                return Match.NO;
            }
        }
        return n == expected.length ? Match.YES : Match.MORE;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
