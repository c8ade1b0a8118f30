package dev.outrigger.sidecar.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packed, lock-free peak-EWMA estimate. */
class PeakEwmaTest {

    private static final long MS = 1_000_000;
    private static final long S = 1_000 * MS;
    /** An arbitrary, negative origin: nanoTime may be anything. */
    private static final long T0 = -123_456_789_000L;

    private static void assertMillis(double expected, double actualNanos) {
        assertEquals(expected, actualNanos / MS, expected * 1e-3 + 1e-6);
    }

    @Test
    void noEstimateUntilTheFirstSample() {
        PeakEwma ewma = new PeakEwma();
        assertFalse(ewma.hasEstimate());
        assertEquals(-1, ewma.estimate(T0));
        ewma.observe(3 * MS, T0);
        assertTrue(ewma.hasEstimate());
        assertMillis(3, ewma.estimate(T0));
    }

    @Test
    void aPeakReplacesTheEstimateAtOnce() {
        PeakEwma ewma = new PeakEwma();
        ewma.observe(MS, T0);
        ewma.observe(50 * MS, T0 + MS);
        assertMillis(50, ewma.estimate(T0 + MS));
    }

    @Test
    void aLowerSampleMovesItByTheTimeElapsed() {
        PeakEwma ewma = new PeakEwma();
        ewma.observe(50 * MS, T0);
        ewma.observe(MS, T0 + 10 * S); // one decay time: weight exp(-1) on the old value
        double w = Math.exp(-1);
        assertMillis(50 * w + 1 * (1 - w), ewma.estimate(T0 + 10 * S));
        ewma.observe(MS, T0 + 10 * S); // no time elapsed: no weight on the sample
        assertMillis(50 * w + 1 * (1 - w), ewma.estimate(T0 + 10 * S));
    }

    @Test
    void betweenSamplesTheEstimateDecaysTowardsZero() {
        PeakEwma ewma = new PeakEwma();
        ewma.observe(40 * MS, T0);
        assertMillis(40 * Math.exp(-1), ewma.estimate(T0 + 10 * S));
        assertMillis(40 * Math.exp(-3), ewma.estimate(T0 + 30 * S));
        ewma.decay(S);
        assertMillis(40 * Math.exp(-2), ewma.estimate(T0 + 2 * S));
    }

    @Test
    void aTimeBeforeTheLastUpdateCountsAsNoTimeElapsed() {
        PeakEwma ewma = new PeakEwma();
        ewma.observe(20 * MS, T0 + S);
        ewma.observe(10 * MS, T0); // raced: an older clock reading
        assertMillis(20, ewma.estimate(T0 + S));
        assertMillis(20, ewma.estimate(T0));
    }

    @Test
    void primingGivesADefaultOnlyOnce() {
        PeakEwma ewma = new PeakEwma();
        ewma.prime(30 * MS, T0);
        assertMillis(30, ewma.estimate(T0));
        ewma.prime(99 * MS, T0);
        assertMillis(30 * Math.exp(-1), ewma.estimate(T0 + 10 * S));
    }

    @Test
    void extremesStayFinite() {
        PeakEwma ewma = new PeakEwma();
        ewma.observe(Long.MAX_VALUE, T0);
        assertEquals(1e18, ewma.estimate(T0), 1e13);
        PeakEwma zero = new PeakEwma();
        zero.observe(-5, T0);
        assertEquals(0, zero.estimate(T0));
        assertTrue(zero.hasEstimate());
        assertEquals(0, ewma.estimate(T0 + 100_000 * S), 1e-3, "decayed to nothing after a day");
    }

    @Test
    void concurrentSamplesLeaveAnEstimateWithinTheirRange() throws InterruptedException {
        PeakEwma ewma = new PeakEwma();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            long rtt = (t + 1) * MS;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 200_000; i++) {
                    ewma.observe(rtt, T0 + i * 100_000L);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        double last = ewma.estimate(T0 + 200_000 * 100_000L);
        assertTrue(last >= 0.99 * MS && last <= 2.0001 * MS, "estimate " + last);
    }
}
