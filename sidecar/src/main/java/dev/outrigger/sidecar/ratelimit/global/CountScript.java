package dev.outrigger.sidecar.ratelimit.global;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua script that counts one request against all of its counters in Redis, atomically: it
 * reads every counter (and, for a sliding window, the previous window's), and only when the request
 * fits under every limit adds its hits to each (INCRBY), giving a new counter its expiry (PEXPIRE).
 * A refused request is counted nowhere, so a limit it did not break is not drained by it, and a
 * client that keeps retrying does not keep itself refused.
 *
 * <p>KEYS, two per counter: the current window's key, the previous window's key. ARGV, five per
 * counter: hits, limit, the previous window's weight in ms (0 for a fixed window, and then its key
 * is not read), the window length in ms, the new key's time to live in ms. The reply has three
 * integers per counter: the current count (after the request when it was counted), the previous
 * window's count, and 1 when the request does not fit under this counter's limit. The test is
 * {@link RateWindow#isOver}'s, in whole numbers that Lua's doubles hold exactly up to 2^53: limit ×
 * window length stays below that up to 10^8 requests a day (more for shorter units); beyond, the
 * edge moves by less than one part in 10^15.
 */
final class CountScript {

    /** The script's text. */
    static final String SOURCE = """
            local n = #KEYS / 2
            local reply = {}
            local fits = true
            for i = 1, n do
              local a = (i - 1) * 5
              local hits = tonumber(ARGV[a + 1])
              local limit = tonumber(ARGV[a + 2])
              local weight = tonumber(ARGV[a + 3])
              local length = tonumber(ARGV[a + 4])
              local current = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
              local previous = 0
              if weight > 0 then
                previous = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
              end
              local over = 0
              if previous * weight + (current + hits) * length > limit * length then
                over = 1
                fits = false
              end
              reply[3 * i - 2] = current
              reply[3 * i - 1] = previous
              reply[3 * i] = over
            end
            if fits then
              for i = 1, n do
                local a = (i - 1) * 5
                local count = redis.call('INCRBY', KEYS[2 * i - 1], ARGV[a + 1])
                if count == tonumber(ARGV[a + 1]) then
                  redis.call('PEXPIRE', KEYS[2 * i - 1], ARGV[a + 5])
                end
                reply[3 * i - 2] = count
              end
            end
            return reply
            """;

    /** Its SHA-1, the name EVALSHA runs it by. */
    static final String SHA1 = sha1(SOURCE);

    /** Arguments per counter. */
    static final int ARGS_PER_COUNTER = 5;

    /** Reply integers per counter. */
    static final int REPLY_PER_COUNTER = 3;

    private CountScript() {
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
