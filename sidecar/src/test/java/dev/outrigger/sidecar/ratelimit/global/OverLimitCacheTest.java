package dev.outrigger.sidecar.ratelimit.global;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OverLimitCacheTest {

    @Test
    void holdsACounterUntilItsTime() {
        OverLimitCache cache = new OverLimitCache(10);
        assertEquals(0, cache.blockedUntil("a", 100));
        cache.block("a", 500, 100);
        assertEquals(500, cache.blockedUntil("a", 100));
        assertEquals(500, cache.blockedUntil("a", 499));
        assertEquals(0, cache.blockedUntil("a", 500), "free again at its time");
        assertEquals(0, cache.size(), "an expired counter is dropped when found");
    }

    @Test
    void keepsTheLaterOfTwoTimes() {
        OverLimitCache cache = new OverLimitCache(10);
        cache.block("a", 900, 100);
        cache.block("a", 500, 100);
        assertEquals(900, cache.blockedUntil("a", 100));
        cache.block("b", 100, 100);
        assertEquals(0, cache.blockedUntil("b", 100), "a time already past is not held");
    }

    @Test
    void aFullCacheSweepsExpiredCountersAndOtherwiseHoldsNoMore() {
        OverLimitCache cache = new OverLimitCache(2);
        cache.block("a", 200, 100);
        cache.block("b", 900, 100);
        cache.block("c", 900, 100);
        assertEquals(0, cache.blockedUntil("c", 100), "full: not held");
        cache.block("c", 900, 300);
        assertEquals(900, cache.blockedUntil("c", 300), "a's time had passed, so it made room");
        assertEquals(2, cache.size());
    }
}
