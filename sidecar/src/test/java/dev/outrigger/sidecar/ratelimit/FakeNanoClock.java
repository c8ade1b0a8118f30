package dev.outrigger.sidecar.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when a test says so. */
final class FakeNanoClock implements LongSupplier {

    private final AtomicLong now;

    FakeNanoClock(long startNanos) {
        now = new AtomicLong(startNanos);
    }

    FakeNanoClock() {
        this(1_000_000_000L);
    }

    @Override
    public long getAsLong() {
        return now.get();
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }
}
