package dev.outrigger.sidecar.ratelimit.global;

import dev.outrigger.sidecar.ratelimit.Descriptor;
import dev.outrigger.sidecar.ratelimit.DescriptorEntry;
import java.nio.charset.StandardCharsets;

/**
 * Names the Redis keys of the counters: {@code outrigger:rl:<domain>:<k1>=<v1>,<k2>=<v2>:<window start>},
 * the window start in epoch seconds. Domain, keys and values are percent-encoded (UTF-8, every
 * byte but ASCII letters, digits and {@code - . _ ~ /}), so {@code :}, {@code =} and {@code ,}
 * only ever separate, two different descriptors never share a counter, and no value can reach
 * outside its own key (braces, which Redis Cluster reads as hash tags, are encoded too).
 */
final class RedisKeys {

    /** The prefix of every key Outrigger writes. */
    static final String PREFIX = "outrigger:rl:";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private RedisKeys() {
    }

    /**
     * The part of the keys shared by every window of {@code descriptor} in {@code domain}, ending
     * in {@code :}; it also names the counter in the local over-limit cache.
     */
    static String counter(String domain, Descriptor descriptor) {
        StringBuilder sb = new StringBuilder(PREFIX.length() + 64).append(PREFIX);
        escape(domain, sb);
        sb.append(':');
        for (int i = 0; i < descriptor.size(); i++) {
            DescriptorEntry e = descriptor.entry(i);
            if (i > 0) {
                sb.append(',');
            }
            escape(e.key(), sb);
            sb.append('=');
            escape(e.value(), sb);
        }
        return sb.append(':').toString();
    }

    /** The key of the counter's window starting at {@code windowStartSeconds}. */
    static String window(String counter, long windowStartSeconds) {
        return counter + windowStartSeconds;
    }

    /** Appends {@code s} percent-encoded to {@code out}. */
    static void escape(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isPlain(c)) {
                out.append(c);
                continue;
            }
            // Encode the whole run of non-plain characters at once, so surrogate pairs stay together.
            int end = i + 1;
            while (end < s.length() && !isPlain(s.charAt(end))) {
                end++;
            }
            for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
            i = end - 1;
        }
    }

    private static boolean isPlain(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    }
}
