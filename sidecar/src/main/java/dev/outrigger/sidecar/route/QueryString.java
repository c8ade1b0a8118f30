package dev.outrigger.sidecar.route;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Reads one parameter out of a request target's query string, decoding only what it returns. */
final class QueryString {

    private QueryString() {
    }

    /**
     * The percent-decoded value of the first parameter called {@code name} in the query of
     * {@code pathAndQuery} ("" for {@code ?name} without '='), or null when it is absent. Like
     * Envoy, '+' is kept as is: only {@code %XX} escapes are decoded.
     */
    static String firstValue(String pathAndQuery, String name) {
        int q = pathAndQuery.indexOf('?');
        if (q < 0) {
            return null;
        }
        int end = pathAndQuery.indexOf('#', q);
        if (end < 0) {
            end = pathAndQuery.length();
        }
        int start = q + 1;
        while (start <= end) {
            int amp = pathAndQuery.indexOf('&', start);
            if (amp < 0 || amp > end) {
                amp = end;
            }
            int eq = pathAndQuery.indexOf('=', start);
            int nameEnd = eq >= 0 && eq < amp ? eq : amp;
            if (nameEnd > start && nameEquals(pathAndQuery, start, nameEnd, name)) {
                return nameEnd == amp ? "" : decode(pathAndQuery, nameEnd + 1, amp);
            }
            start = amp + 1;
        }
        return null;
    }

    private static boolean nameEquals(String s, int from, int to, String name) {
        int pct = s.indexOf('%', from);
        if (pct < 0 || pct >= to) {
            // common case: nothing to decode, compare in place
            return to - from == name.length() && s.regionMatches(from, name, 0, name.length());
        }
        return decode(s, from, to).equals(name);
    }

    /** Percent-decodes {@code s[from, to)} as UTF-8; a malformed escape is kept literally. */
    static String decode(String s, int from, int to) {
        int pct = s.indexOf('%', from);
        if (pct < 0 || pct >= to) {
            return s.substring(from, to);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '%' && i + 3 <= to && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 3;
            } else if (c < 0x80) {
                out.write(c);
                i++;
            } else {
                int cp = s.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
