package dev.outrigger.sidecar.ratelimit.global;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counters this sidecar knows to be over their limit, and until when: while a counter is here,
 * {@link RedisRateLimitService} refuses its requests without asking Redis.
 *
 * <p>This stays correct because counts never go down within a window: Redis only adds, and every
 * sidecar adds. The time a counter is held is {@link RateWindow#millisUntilAllowed}, the least time
 * until one request could fit if nobody else counted anything meanwhile; any request another
 * sidecar counts can only make the true time longer. So a cached refusal is one Redis would have
 * given too, and the first request after it goes to Redis again. (Refused requests count nowhere,
 * so skipping Redis for them changes no counter.)
 *
 * <p>Safe for concurrent use. Bounded: expired entries are swept when the cache is full, and when
 * it is still full a refusal is simply not cached, which costs a Redis call and nothing else.
 */
final class OverLimitCache {

    private final int maxEntries;
    private final Map<String, Long> blockedUntil = new ConcurrentHashMap<>();

    OverLimitCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /** Epoch milliseconds until which {@code counter} is over its limit, or 0 when it is not known to be at {@code nowMillis}. */
    long blockedUntil(String counter, long nowMillis) {
        Long until = blockedUntil.get(counter);
        if (until == null) {
            return 0;
        }
        if (until <= nowMillis) {
            blockedUntil.remove(counter, until);
            return 0;
        }
        return until;
    }

    /** Remembers that {@code counter} is over its limit until {@code untilMillis}. */
    void block(String counter, long untilMillis, long nowMillis) {
        if (untilMillis <= nowMillis) {
            return;
        }
        if (blockedUntil.size() >= maxEntries && !blockedUntil.containsKey(counter)) {
            sweep(nowMillis);
            if (blockedUntil.size() >= maxEntries) {
                return;
            }
        }
        blockedUntil.merge(counter, untilMillis, Math::max);
    }

    /** The counters held now, expired or not; for tests and the admin page. */
    int size() {
        return blockedUntil.size();
    }

    private void sweep(long nowMillis) {
        for (Iterator<Long> it = blockedUntil.values().iterator(); it.hasNext(); ) {
            if (it.next() <= nowMillis) {
                it.remove();
            }
        }
    }
}
