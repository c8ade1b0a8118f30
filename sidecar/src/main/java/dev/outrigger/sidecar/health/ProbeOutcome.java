package dev.outrigger.sidecar.health;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The result of one probe, decided once: the first of success, failure or timeout counts and
 * the probe's connection is closed. Used on the probe's event loop only.
 */
final class ProbeOutcome {

    /** Receives the decided result. */
    interface Listener {
        /** The probe passed ({@code success}) or failed for {@code reason}; {@code immediate}: no threshold applies. */
        void decided(boolean success, String reason, boolean immediate);
    }

    private final Listener listener;
    private Channel channel;
    private ScheduledFuture<?> timeout;
    private boolean done;

    ProbeOutcome(Listener listener) {
        this.listener = listener;
    }

    /** The probe's connection, closed when the result is decided. */
    void attach(Channel ch) {
        channel = ch;
        if (done) {
            ch.close();
        }
    }

    /** The timer that fails the probe, cancelled when the result is decided otherwise. */
    void timeout(ScheduledFuture<?> timer) {
        timeout = timer;
    }

    /** Whether a result was decided. */
    boolean isDone() {
        return done;
    }

    /** The endpoint passed. */
    void succeed() {
        decide(true, "", false);
    }

    /**
     * The endpoint failed: {@code immediate} when it answered negatively (Envoy's "active"
     * failure, no threshold), not for network failures and timeouts, which count toward the threshold.
     */
    void fail(String reason, boolean immediate) {
        decide(false, reason, immediate);
    }

    private void decide(boolean success, String reason, boolean immediate) {
        if (done) {
            return;
        }
        done = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (channel != null) {
            channel.close();
        }
        listener.decided(success, reason, immediate);
    }
}
