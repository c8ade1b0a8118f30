package dev.outrigger.sidecar.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final FakeNanoClock clock = new FakeNanoClock(123_456_789L);

    private TokenBucket bucket(long max, long perFill, Duration interval) {
        return new TokenBucket(new TokenBucketSpec(max, perFill, interval), clock);
    }

    private static int drain(TokenBucket bucket) {
        int taken = 0;
        while (bucket.tryConsume()) {
            taken++;
        }
        return taken;
    }

    @Test
    void startsFullAndAdmitsExactlyMaxTokensThenRefuses() {
        TokenBucket b = bucket(5, 1, Duration.ofSeconds(1));
        assertEquals(5, b.remaining());
        for (int i = 0; i < 5; i++) {
            assertTrue(b.tryConsume(), "token " + i);
            assertEquals(4 - i, b.remaining());
        }
        assertFalse(b.tryConsume());
        assertFalse(b.tryConsume());
        assertEquals(0, b.remaining());
        assertEquals(5, b.maxTokens());
    }

    @Test
    void eachWholeIntervalAddsTokensPerFill() {
        TokenBucket b = bucket(10, 3, Duration.ofSeconds(1));
        assertEquals(10, drain(b));
        clock.advance(Duration.ofMillis(999));
        assertEquals(0, b.remaining(), "no fill before the interval ends");
        assertFalse(b.tryConsume());
        clock.advance(Duration.ofMillis(1));
        assertEquals(3, b.remaining());
        assertEquals(3, drain(b));
        clock.advance(Duration.ofSeconds(2));
        assertEquals(6, b.remaining(), "two intervals, two fills");
    }

    @Test
    void fillsStopAtMaxTokens() {
        TokenBucket b = bucket(10, 4, Duration.ofSeconds(1));
        assertTrue(b.tryConsume());
        assertTrue(b.tryConsume());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(10, b.remaining(), "8 + 4 is capped at 10");
        clock.advance(Duration.ofSeconds(5));
        assertEquals(10, drain(b), "idle intervals do not bank tokens beyond the cap");
    }

    @Test
    void aFillLargerThanTheBucketFillsItExactly() {
        TokenBucket b = bucket(3, 4_000_000_000L, Duration.ofMillis(50));
        assertEquals(3, drain(b));
        clock.advance(Duration.ofMillis(50));
        assertEquals(3, drain(b));
    }

    @Test
    void aBucketIdleForYearsIsFullNotOverflowed() {
        TokenBucket b = bucket(TokenBucketSpec.MAX_UINT32, TokenBucketSpec.MAX_UINT32, Duration.ofMillis(50));
        assertTrue(b.tryConsume());
        clock.advance(Duration.ofDays(365));
        assertEquals(TokenBucketSpec.MAX_UINT32, b.remaining());
        assertTrue(b.tryConsume());
        assertEquals(TokenBucketSpec.MAX_UINT32 - 1, b.remaining());
    }

    @Test
    void fillIntervalsStartWhenTheBucketIsMade() {
        clock.advance(Duration.ofMillis(700));
        TokenBucket b = bucket(1, 1, Duration.ofSeconds(2));
        assertTrue(b.tryConsume());
        assertEquals(Duration.ofSeconds(2).toNanos(), b.nanosUntilNextFill());
        assertEquals(2, b.secondsUntilNextFill());
        clock.advance(Duration.ofMillis(500));
        assertEquals(Duration.ofMillis(1500).toNanos(), b.nanosUntilNextFill());
        assertEquals(2, b.secondsUntilNextFill(), "1.5 s rounds up");
        clock.advance(Duration.ofMillis(1000));
        assertEquals(1, b.secondsUntilNextFill());
        assertFalse(b.tryConsume());
        clock.advance(Duration.ofMillis(500));
        assertEquals(Duration.ofSeconds(2).toNanos(), b.nanosUntilNextFill(), "a fill just happened");
        assertTrue(b.tryConsume());
    }

    @Test
    void aClockGoingBackwardsNeverAdmitsMore() {
        TokenBucket b = bucket(2, 1, Duration.ofSeconds(1));
        assertEquals(2, drain(b));
        clock.advance(Duration.ofSeconds(-5));
        assertEquals(0, drain(b));
        assertEquals(0, b.remaining());
    }

    @Test
    void anIntervalTooLongForNanosecondsNeverFills() {
        TokenBucket b = bucket(1, 1, Duration.ofDays(365L * 1000));
        assertTrue(b.tryConsume());
        clock.advance(Duration.ofDays(365L * 100));
        assertFalse(b.tryConsume());
        assertTrue(b.nanosUntilNextFill() > 0);
    }

    @Test
    void specRejectsWhatTheApiCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucketSpec(0, 1, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucketSpec(1L << 32, 1, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucketSpec(1, 0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucketSpec(1, 1, Duration.ZERO));
        assertEquals(2.5, new TokenBucketSpec(10, 5, Duration.ofSeconds(2)).fillRate());
    }

    @Test
    void threadsRacingForTokensTakeExactlyMaxTokensPerInterval() throws Exception {
        // Buckets large enough that the threads are all still taking when it runs dry.
        TokenBucket b = bucket(200_000, 50_000, Duration.ofSeconds(1));
        assertEquals(200_000, race(b, 4, 100_000), "the initial bucket");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(50_000, race(b, 4, 100_000), "one fill");
        clock.advance(Duration.ofSeconds(10));
        assertEquals(200_000, race(b, 4, 100_000), "refilled to the cap");
    }

    /** Starts {@code threads} threads at once, each trying {@code attempts} times; returns the admissions. */
    private static long race(TokenBucket b, int threads, int attempts) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong admitted = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                ready.countDown();
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long mine = 0;
                for (int i = 0; i < attempts; i++) {
                    if (b.tryConsume()) {
                        mine++;
                    }
                }
                admitted.addAndGet(mine);
            });
            worker.start();
            workers.add(worker);
        }
        assertTrue(ready.await(10, TimeUnit.SECONDS));
        start.countDown();
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(worker.isAlive(), "worker finished");
        }
        return admitted.get();
    }
}
