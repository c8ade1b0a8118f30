package dev.outrigger.xds.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(1);

    @Test
    void theCapDoublesUpToTheMaximum() {
        Backoff b = new Backoff(BASE, MAX, () -> 1.0);
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            millis.add(b.next().toMillis());
        }
        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L, 1000L, 1000L), millis);
    }

    @Test
    void theLowestDrawWaitsTheBase() {
        Backoff b = new Backoff(BASE, MAX, () -> 0.0);
        for (int i = 0; i < 10; i++) {
            assertEquals(BASE, b.next());
        }
    }

    @Test
    void everyDelayIsWithinItsAttemptsBounds() {
        Random random = new Random(42);
        Backoff b = new Backoff(BASE, MAX, random::nextDouble);
        for (int i = 0; i < 200; i++) {
            Duration cap = b.upperBound(b.attempt());
            Duration d = b.next();
            assertTrue(d.compareTo(BASE) >= 0 && d.compareTo(cap) <= 0, "attempt " + i + ": " + d + " > " + cap);
            if (i % 17 == 16) {
                b.reset();
            }
        }
    }

    @Test
    void jitterSpreadsTheDelaysAcrossTheRange() {
        Random random = new Random(7);
        long below = 0;
        long above = 0;
        for (int i = 0; i < 1000; i++) {
            Backoff b = new Backoff(BASE, MAX, random::nextDouble);
            b.next();
            b.next();
            long third = b.next().toMillis();
            if (third < 250) {
                below++;
            } else {
                above++;
            }
        }
        // The third attempt draws from [100, 400]: half of it lies on each side of 250.
        assertTrue(below > 400 && above > 400, below + " / " + above);
    }

    @Test
    void resetStartsFromTheBaseAgain() {
        Backoff b = new Backoff(BASE, MAX, () -> 1.0);
        b.next();
        b.next();
        b.next();
        assertEquals(3, b.attempt());
        b.reset();
        assertEquals(0, b.attempt());
        assertEquals(BASE, b.next());
        assertEquals(Duration.ofMillis(200), b.next());
    }

    @Test
    void manyAttemptsStayAtTheMaximum() {
        Backoff b = new Backoff(Duration.ofNanos(1), Duration.ofDays(365), () -> 1.0);
        Duration last = Duration.ZERO;
        for (int i = 0; i < 1000; i++) {
            last = b.next();
            assertTrue(!last.isNegative() && last.compareTo(Duration.ofDays(365)) <= 0, last::toString);
        }
        assertEquals(Duration.ofDays(365), last);
    }

    @Test
    void outOfRangeDrawsAreClamped() {
        assertEquals(BASE, new Backoff(BASE, MAX, () -> -3.0).next());
        assertEquals(BASE, new Backoff(BASE, MAX, () -> 7.0).next());
    }

    @Test
    void baseMustBePositiveAndAtMostTheMaximum() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, MAX, () -> 0));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(MAX, BASE, () -> 0));
    }
}
