package dev.outrigger.sidecar.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionRateLimiterTest {

    private final FakeNanoClock clock = new FakeNanoClock();
    private final TokenBucketSpec twoPerSecond = new TokenBucketSpec(2, 1, Duration.ofSeconds(1));

    @Test
    void acceptsAFullBucketOfConnectionsThenOnePerFill() {
        ConnectionRateLimiter limiter = new ConnectionRateLimiter(
                new NetworkLocalRateLimitConfig("tcp", twoPerSecond, true), clock);
        assertTrue(limiter.tryAcceptConnection());
        assertTrue(limiter.tryAcceptConnection());
        assertFalse(limiter.tryAcceptConnection());
        assertEquals(0, limiter.remaining());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(limiter.tryAcceptConnection());
        assertFalse(limiter.tryAcceptConnection());
    }

    @Test
    void aDisabledFilterAcceptsEverythingAndTakesNothing() {
        ConnectionRateLimiter limiter = new ConnectionRateLimiter(
                new NetworkLocalRateLimitConfig("tcp", twoPerSecond, false), clock);
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.tryAcceptConnection());
        }
        assertEquals(2, limiter.remaining());
        assertEquals("tcp", limiter.config().statPrefix());
    }

    @Test
    void eachLimiterHasItsOwnBucket() {
        NetworkLocalRateLimitConfig config = new NetworkLocalRateLimitConfig("tcp", twoPerSecond, true);
        ConnectionRateLimiter first = new ConnectionRateLimiter(config, clock);
        ConnectionRateLimiter second = new ConnectionRateLimiter(config, clock);
        assertTrue(first.tryAcceptConnection());
        assertTrue(first.tryAcceptConnection());
        assertFalse(first.tryAcceptConnection());
        assertTrue(second.tryAcceptConnection(), "a new filter chain configuration starts full");
    }
}
