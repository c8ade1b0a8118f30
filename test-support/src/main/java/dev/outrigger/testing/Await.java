package dev.outrigger.testing;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition that another thread or process makes true, with a deadline. */
public final class Await {

    private Await() {
    }

    /**
     * Returns as soon as {@code condition} holds; throws if it does not within {@code timeout}.
     * It re-checks every millisecond: for state with no event to wait on (a remote close, a
     * counter in another process).
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) throws TimeoutException {
        until(what, timeout, Duration.ofMillis(1), condition);
    }

    /**
     * Like {@link #until(String, Duration, BooleanSupplier)}, re-checking every {@code interval}:
     * for a condition that is costly to check (a large admin answer) and would otherwise take CPU
     * from what it waits for.
     */
    public static void until(String what, Duration timeout, Duration interval, BooleanSupplier condition)
            throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("not true within " + timeout + ": " + what);
            }
            LockSupport.parkNanos(interval.toNanos());
        }
    }
}
