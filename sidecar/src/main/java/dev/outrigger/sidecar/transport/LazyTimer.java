package dev.outrigger.sidecar.transport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A timer for deadlines that are set and cleared far more often than they expire (idle and
 * request timeouts, once per request). Arming and disarming only write a field; the one
 * scheduled task stays pending and, when it fires early, reschedules itself for the current
 * deadline. So a busy connection schedules about one task per timeout period instead of one
 * (plus a cancellation) per request. Used only on its event loop.
 */
public final class LazyTimer {

    private final EventExecutor executor;
    private final Runnable onExpiry;
    private final Runnable fire = this::fire;
    private boolean armed;
    private long deadline;
    private ScheduledFuture<?> pending;
    private long pendingAt;

    /** A timer on {@code executor} that runs {@code onExpiry} when an armed deadline passes. */
    public LazyTimer(EventExecutor executor, Runnable onExpiry) {
        this.executor = executor;
        this.onExpiry = onExpiry;
    }

    /** Expires at {@code deadlineNanos} ({@link System#nanoTime()} time) unless disarmed or re-armed first. */
    public void arm(long deadlineNanos) {
        armed = true;
        deadline = deadlineNanos;
        if (pending == null || pendingAt - deadlineNanos > 0) {
            // Nothing pending, or it would fire too late: schedule for this deadline.
            if (pending != null) {
                pending.cancel(false);
            }
            schedule(deadlineNanos, System.nanoTime());
        }
    }

    /** Expires {@code delayNanos} from now. */
    public void armIn(long delayNanos) {
        arm(System.nanoTime() + delayNanos);
    }

    /** No expiry until armed again; a pending task fires later and does nothing. */
    public void disarm() {
        armed = false;
    }

    /** Disarms and cancels the pending task (the owner is closing). */
    public void stop() {
        armed = false;
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private void schedule(long at, long now) {
        pendingAt = at;
        pending = executor.schedule(fire, Math.max(0, at - now), TimeUnit.NANOSECONDS);
    }

    private void fire() {
        pending = null;
        if (!armed) {
            return;
        }
        long now = System.nanoTime();
        if (now - deadline >= 0) {
            armed = false;
            onExpiry.run();
        } else {
            schedule(deadline, now);
        }
    }
}
