package dev.outrigger.sidecar.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.outrigger.sidecar.downstream.DetectedProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The classifier decides as soon as the bytes allow, and only for the inspectors enabled. */
class ProtocolClassifierTest {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT_HELLO = {0x16, 0x03, 0x01, 0x00, (byte) 0xc8, 0x01, 0x00, 0x00, (byte) 0xc4};

    /** Classifies each prefix of {@code bytes}, as if they arrived one at a time; returns the length that decided. */
    private static int decidingLength(byte[] bytes, boolean http, boolean tls, DetectedProtocol expected) {
        for (int n = 1; n <= bytes.length; n++) {
            DetectedProtocol p = classify(Arrays.copyOf(bytes, n), http, tls);
            if (p != null) {
                assertEquals(expected, p, "after " + n + " byte(s)");
                return n;
            }
        }
        throw new AssertionError("undecided after all " + bytes.length + " bytes");
    }

    private static DetectedProtocol classify(byte[] bytes, boolean http, boolean tls) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return ProtocolClassifier.classify(buf, http, tls);
        } finally {
            buf.release();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})
    void anHttp1MethodAndASpaceDecideWithoutTheRestOfTheLine(String method) {
        byte[] line = ascii(method + " /index.html HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(method.length() + 1, decidingLength(line, true, true, DetectedProtocol.HTTP1));
    }

    @Test
    void theHttp2PrefaceDecidesOnlyOnItsLastByte() {
        assertEquals(24, decidingLength(PREFACE, true, true, DetectedProtocol.HTTP2));
    }

    @Test
    void aPrefaceThatDiffersIsOtherAtTheFirstDifferentByte() {
        // "PRI * HTTP/1" differs from the preface at the '1' (index 11)
        assertEquals(12, decidingLength(ascii("PRI * HTTP/1.1\r\n\r\n"), true, true, DetectedProtocol.OTHER));
        // "PRX": neither the preface nor a method starting with P
        assertEquals(3, decidingLength(ascii("PRX"), true, true, DetectedProtocol.OTHER));
    }

    @Test
    void aTlsRecordHeaderDecidesAfterFiveBytes() {
        assertEquals(5, decidingLength(CLIENT_HELLO, true, true, DetectedProtocol.TLS));
        for (byte minor = 0; minor <= 4; minor++) {
            byte[] hello = CLIENT_HELLO.clone();
            hello[2] = minor;
            assertEquals(DetectedProtocol.TLS, classify(hello, false, true), "version 3." + minor);
        }
    }

    @Test
    void tlsLookalikesAreOther() {
        assertEquals(2, decidingLength(new byte[] {0x16, 0x02, 0x01, 0x00, 0x10}, false, true, DetectedProtocol.OTHER));
        assertEquals(3, decidingLength(new byte[] {0x16, 0x03, 0x05, 0x00, 0x10}, false, true, DetectedProtocol.OTHER));
        assertEquals(DetectedProtocol.OTHER, classify(new byte[] {0x16, 0x03, 0x01, 0x00, 0x00}, false, true),
                "an empty record");
        assertEquals(DetectedProtocol.OTHER, classify(new byte[] {0x16, 0x03, 0x01, 0x40, 0x01}, false, true),
                "a record longer than 2^14");
        assertEquals(1, decidingLength(new byte[] {0x17, 0x03, 0x03}, false, true, DetectedProtocol.OTHER));
    }

    @Test
    void otherBytesAreOtherAsSoonAsNoProtocolCanMatch() {
        assertEquals(1, decidingLength(ascii("hello"), true, true, DetectedProtocol.OTHER));
        assertEquals(1, decidingLength(ascii("get / HTTP/1.1"), true, true, DetectedProtocol.OTHER), "methods are case-sensitive");
        assertEquals(4, decidingLength(ascii("GETS / HTTP/1.1"), true, true, DetectedProtocol.OTHER));
        assertEquals(5, decidingLength(ascii("POSTX"), true, true, DetectedProtocol.OTHER));
        assertEquals(1, decidingLength(new byte[] {0}, true, true, DetectedProtocol.OTHER));
    }

    @Test
    void onlyTheEnabledInspectorsAreConsulted() {
        assertEquals(DetectedProtocol.OTHER, classify(CLIENT_HELLO, true, false), "no tls_inspector");
        assertEquals(DetectedProtocol.OTHER, classify(ascii("GET / HTTP/1.1\r\n"), false, true), "no http_inspector");
        assertEquals(DetectedProtocol.OTHER, classify(PREFACE, false, true), "no http_inspector");
        assertEquals(1, decidingLength(ascii("GET "), false, false, DetectedProtocol.OTHER), "nothing looked for");
        assertEquals(1, decidingLength(CLIENT_HELLO, true, false, DetectedProtocol.OTHER));
    }

    @Test
    void noBytesDecideNothing() {
        assertNull(classify(new byte[0], true, true));
        assertNull(classify(new byte[0], false, false));
    }

    @Test
    void theReadableBytesAreLookedAtAndNotConsumed() {
        ByteBuf buf = Unpooled.buffer().writeBytes(ascii("xxGET /"));
        try {
            buf.skipBytes(2);
            assertEquals(DetectedProtocol.HTTP1, ProtocolClassifier.classify(buf, true, false));
            assertEquals(2, buf.readerIndex());
        } finally {
            buf.release();
        }
    }

    @Test
    void aConnectionThatStopsSendingIsSilentWithoutBytesAndOtherWhenUndecided() {
        assertEquals(DetectedProtocol.SILENT, ProtocolClassifier.classifyFinal(null, true, true));
        ByteBuf empty = Unpooled.buffer();
        ByteBuf partial = Unpooled.wrappedBuffer(ascii("GE"));
        ByteBuf partialPreface = Unpooled.wrappedBuffer(Arrays.copyOf(PREFACE, 23));
        ByteBuf decided = Unpooled.wrappedBuffer(ascii("PUT "));
        try {
            assertEquals(DetectedProtocol.SILENT, ProtocolClassifier.classifyFinal(empty, true, true));
            assertEquals(DetectedProtocol.OTHER, ProtocolClassifier.classifyFinal(partial, true, true));
            assertEquals(DetectedProtocol.OTHER, ProtocolClassifier.classifyFinal(partialPreface, true, true));
            assertEquals(DetectedProtocol.HTTP1, ProtocolClassifier.classifyFinal(decided, true, true));
        } finally {
            empty.release();
            partial.release();
            partialPreface.release();
            decided.release();
        }
    }
}
