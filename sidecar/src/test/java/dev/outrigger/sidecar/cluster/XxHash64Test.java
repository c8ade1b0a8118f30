package dev.outrigger.sidecar.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * XXH64 against the reference implementation: "", "a" and "abc" are the published vectors; the
 * rest were computed with libxxhash 0.8.1. The string form must equal the byte form of the
 * UTF-8 encoding, for every length around the 4-, 8- and 32-byte boundaries.
 */
class XxHash64Test {

    private static void vector(String s, long seed0, long seed1) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        assertEquals(seed0, XxHash64.hash(s), s);
        assertEquals(seed0, XxHash64.hash(b), s);
        assertEquals(seed1, XxHash64.hash(s, 1), s + " seed 1");
        assertEquals(seed1, XxHash64.hash(b, 0, b.length, 1), s + " seed 1");
    }

    @Test
    void referenceVectors() {
        vector("", 0xEF46DB3751D8E999L, 0xD5AFBA1336A3BE4BL);
        vector("a", 0xD24EC4F1A98C6E5BL, 0xDEC2BC81C3CD46C6L);
        vector("abc", 0x44BC2CF5AD770999L, 0xBEA9CA8199328908L);
        vector("hello", 0x26C7827D889F6DA3L, 0x23DD71CB04D0A1B2L);
        vector("message digest", 0x066ED728FCEEB3BEL, 0xCBA434B6417DD0FDL);
        vector("10.0.0.1:80", 0x011FACBA8043B217L, 0xA456919BCBFFAA92L);
        vector("The quick brown fox jumps over the lazy dog", 0x0B242D361FDA71BCL, 0xDF5091B6DAD2C6DBL);
        vector("0123456789abcdef0123456789abcdef0123456789", 0xA76190C3ACF08A1CL, 0x2B8D7720869B31A6L);
        vector("h\u00e9llo w\u00f6rld \u20ac\ud834\udd1e \u65e5\u672c", 0xB15485DF11E999F1L, 0x4D8D2E5CB3FAA7AAL);
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        assertEquals(0x1FACBE8406CD904BL, XxHash64.hash(all));
    }

    @Test
    void stringFormEqualsUtf8BytesForAllLengths() {
        SplittableRandom random = new SplittableRandom(11);
        char[] alphabet = {'a', 'Z', '0', '_', '\u00e9', '\u07ff', '\u0800', '\u20ac', '\uffff'};
        for (int len = 0; len < 160; len++) {
            for (int trial = 0; trial < 8; trial++) {
                StringBuilder sb = new StringBuilder();
                while (sb.length() < len) {
                    int kind = random.nextInt(10);
                    if (kind == 0) {
                        sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
                    } else {
                        sb.append(alphabet[random.nextInt(alphabet.length)]);
                    }
                }
                String s = sb.toString();
                long seed = random.nextLong();
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                assertEquals(XxHash64.hash(b, 0, b.length, seed), XxHash64.hash(sb, seed), s);
                assertEquals(b.length, XxHash64.utf8Length(s));
            }
        }
    }

    @Test
    void unpairedSurrogatesHashAsQuestionMarks() {
        for (String s : new String[] {"\ud800", "x\udc00y", "\ud800\ud800\udc00", "abc\udbff"}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            assertEquals(XxHash64.hash(b), XxHash64.hash(s), s);
        }
    }

    @Test
    void aSliceHashesLikeACopy() {
        byte[] b = "xx10.0.0.1:80yy".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x011FACBA8043B217L, XxHash64.hash(b, 2, 11, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> XxHash64.hash(b, 10, 11, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> XxHash64.hash(b, -1, 2, 0));
    }
}
