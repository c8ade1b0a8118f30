package dev.outrigger.sidecar.cluster;

/**
 * XXH64, the 64-bit xxHash, as Envoy uses it ({@code HashUtil::xxHash64}) to place hosts on a
 * hash ring or in a Maglev table and to hash request values for a route's {@code hash_policy}.
 * Results are bit-identical to the reference C implementation for the same bytes and seed.
 *
 * <p>{@link #hash(CharSequence, long)} hashes the UTF-8 encoding of a string without building a
 * byte array: the characters are encoded on the fly and packed into 64-bit lanes, so hashing a
 * request header value on the data path allocates nothing. Unpaired surrogates are encoded as
 * {@code '?'}, as {@link String#getBytes(java.nio.charset.Charset)} does. Stateless and
 * thread-safe.
 */
public final class XxHash64 {

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private XxHash64() {
    }

    /** XXH64 of the UTF-8 encoding of {@code s} with seed 0, Envoy's default. */
    public static long hash(CharSequence s) {
        return hash(s, 0);
    }

    /** XXH64 of all of {@code data} with seed 0. */
    public static long hash(byte[] data) {
        return hash(data, 0, data.length, 0);
    }

    /** XXH64 of {@code data[off, off + len)} with {@code seed}. */
    public static long hash(byte[] data, int off, int len, long seed) {
        if (off < 0 || len < 0 || off + len > data.length || off + len < 0) {
            throw new IndexOutOfBoundsException("off " + off + " len " + len + " of " + data.length);
        }
        int p = off;
        int end = off + len;
        long h;
        if (len >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            int limit = end - 32;
            do {
                v1 = round(v1, longLe(data, p));
                v2 = round(v2, longLe(data, p + 8));
                v3 = round(v3, longLe(data, p + 16));
                v4 = round(v4, longLe(data, p + 24));
                p += 32;
            } while (p <= limit);
            h = merge(v1, v2, v3, v4);
        } else {
            h = seed + P5;
        }
        h += len;
        for (; p + 8 <= end; p += 8) {
            h = tailLong(h, longLe(data, p));
        }
        if (p + 4 <= end) {
            h = tailInt(h, (data[p] & 0xFFL) | (data[p + 1] & 0xFFL) << 8
                    | (data[p + 2] & 0xFFL) << 16 | (data[p + 3] & 0xFFL) << 24);
            p += 4;
        }
        for (; p < end; p++) {
            h = tailByte(h, data[p] & 0xFFL);
        }
        return avalanche(h);
    }

    /**
     * XXH64 of the UTF-8 encoding of {@code s} with {@code seed}, equal to
     * {@code hash(s.toString().getBytes(UTF_8), ...)} but without allocating.
     *
     * <p>XXH64 consumes its input as whole little-endian 8-byte words (the first ones in stripes
     * of four while at least 32 bytes are left) followed by a last partial word. So the encoded
     * bytes are packed into a word; each full word goes either to a stripe lane or to the tail,
     * depending only on its index and the total length, which a first pass measures.
     */
    public static long hash(CharSequence s, long seed) {
        int n = s.length();
        long total = utf8Length(s);
        long stripeWords = (total >>> 5) << 2;
        long v1 = seed + P1 + P2;
        long v2 = seed + P2;
        long v3 = seed;
        long v4 = seed - P1;
        long h = stripeWords == 0 ? seed + P5 + total : 0;
        long word = 0;
        int fill = 0;
        long words = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            int enc; // the encoded bytes, first byte lowest
            int bytes;
            if (c < 0x80) {
                enc = c;
                bytes = 1;
            } else if (c < 0x800) {
                enc = (0xC0 | c >> 6) | (0x80 | c & 0x3F) << 8;
                bytes = 2;
            } else if (Character.isSurrogate(c)) {
                char low = i + 1 < n ? s.charAt(i + 1) : 0;
                if (Character.isHighSurrogate(c) && Character.isLowSurrogate(low)) {
                    int cp = Character.toCodePoint(c, low);
                    i++;
                    enc = (0xF0 | cp >> 18) | (0x80 | cp >> 12 & 0x3F) << 8
                            | (0x80 | cp >> 6 & 0x3F) << 16 | (0x80 | cp & 0x3F) << 24;
                    bytes = 4;
                } else {
                    enc = '?';
                    bytes = 1;
                }
            } else {
                enc = (0xE0 | c >> 12) | (0x80 | c >> 6 & 0x3F) << 8 | (0x80 | c & 0x3F) << 16;
                bytes = 3;
            }
            for (int b = 0; b < bytes; b++, enc >>>= 8) {
                word |= (enc & 0xFFL) << (fill << 3);
                if (++fill < 8) {
                    continue;
                }
                if (words < stripeWords) {
                    switch ((int) (words & 3)) {
                        case 0: v1 = round(v1, word); break;
                        case 1: v2 = round(v2, word); break;
                        case 2: v3 = round(v3, word); break;
                        default: v4 = round(v4, word); break;
                    }
                    if (words + 1 == stripeWords) {
                        h = merge(v1, v2, v3, v4) + total;
                    }
                } else {
                    h = tailLong(h, word);
                }
                words++;
                word = 0;
                fill = 0;
            }
        }
        if (fill >= 4) {
            h = tailInt(h, word & 0xFFFFFFFFL);
            word >>>= 32;
            fill -= 4;
        }
        for (; fill > 0; fill--, word >>>= 8) {
            h = tailByte(h, word & 0xFF);
        }
        return avalanche(h);
    }

    /** Bytes in the UTF-8 encoding of {@code s}, unpaired surrogates counting as one ({@code '?'}). */
    static long utf8Length(CharSequence s) {
        int n = s.length();
        long len = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                len++;
            } else if (c < 0x800) {
                len += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                len += 4;
                i++;
            } else {
                len += Character.isSurrogate(c) ? 1 : 3;
            }
        }
        return len;
    }

    private static long longLe(byte[] b, int p) {
        return (b[p] & 0xFFL) | (b[p + 1] & 0xFFL) << 8 | (b[p + 2] & 0xFFL) << 16
                | (b[p + 3] & 0xFFL) << 24 | (b[p + 4] & 0xFFL) << 32 | (b[p + 5] & 0xFFL) << 40
                | (b[p + 6] & 0xFFL) << 48 | (b[p + 7] & 0xFFL) << 56;
    }

    private static long round(long acc, long input) {
        return Long.rotateLeft(acc + input * P2, 31) * P1;
    }

    private static long mergeRound(long acc, long v) {
        return (acc ^ round(0, v)) * P1 + P4;
    }

    private static long merge(long v1, long v2, long v3, long v4) {
        long h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12)
                + Long.rotateLeft(v4, 18);
        h = mergeRound(h, v1);
        h = mergeRound(h, v2);
        h = mergeRound(h, v3);
        return mergeRound(h, v4);
    }

    private static long tailLong(long h, long word) {
        return Long.rotateLeft(h ^ round(0, word), 27) * P1 + P4;
    }

    private static long tailInt(long h, long unsignedInt) {
        return Long.rotateLeft(h ^ unsignedInt * P1, 23) * P2 + P3;
    }

    private static long tailByte(long h, long unsignedByte) {
        return Long.rotateLeft(h ^ unsignedByte * P5, 11) * P1;
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        return h ^ h >>> 32;
    }
}
