package dev.outrigger.sidecar.outlier;

import dev.outrigger.sidecar.cluster.EndpointState;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One endpoint's outlier counters. The data path only touches the atomics (consecutive-failure
 * counts and the interval's request/success tallies); the ejection state below them belongs to
 * the detector's control thread alone.
 */
final class HostMonitor {

    /** Added to a tally per request: the high half counts requests, the low half successes. */
    static final long REQUEST = 1L << 32;
    static final long SUCCESS = 1L;

    final EndpointState endpoint;
    final AtomicInteger consecutive5xx = new AtomicInteger();
    final AtomicInteger consecutiveGatewayFailure = new AtomicInteger();
    final AtomicInteger consecutiveLocalOriginFailure = new AtomicInteger();
    /** This interval's external-origin (or, unsplit, all) requests and successes. */
    final AtomicLong externalTally = new AtomicLong();
    /** This interval's locally originated outcomes (split mode). */
    final AtomicLong localTally = new AtomicLong();

    // Control thread only.
    boolean ejected;
    long ejectedAtNanos;
    long ejectionNanos;
    /** Multiplier of base_ejection_time: up at each ejection, down after each quiet interval. */
    int backoff;
    long unejectedAtNanos = Long.MIN_VALUE;
    int timesEjected;
    /** The tallies of the last complete interval, taken by {@link #closeInterval}. */
    long lastExternal;
    long lastLocal;

    HostMonitor(EndpointState endpoint) {
        this.endpoint = endpoint;
    }

    /** Ends the interval: its tallies become the ones success rate and failure percentage read. */
    void closeInterval() {
        lastExternal = externalTally.getAndSet(0);
        lastLocal = localTally.getAndSet(0);
    }

    /** Requests in a tally. */
    static long requests(long tally) {
        return tally >>> 32;
    }

    /** Success rate of a tally in percent. */
    static double successRate(long tally) {
        long requests = requests(tally);
        return requests == 0 ? 100.0 : 100.0 * (tally & 0xffffffffL) / requests;
    }

    static void resetIfSet(AtomicInteger counter) {
        if (counter.get() != 0) {
            counter.set(0);
        }
    }
}
