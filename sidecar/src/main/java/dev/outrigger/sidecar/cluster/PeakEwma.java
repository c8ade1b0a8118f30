package dev.outrigger.sidecar.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An endpoint's peak-sensitive moving average of round-trip time (Finagle's and Linkerd's
 * {@code PeakEwma}), kept without locks or allocation so every event loop can feed and read it.
 *
 * <p>A sample above the current estimate replaces it at once (the peak); a sample below pulls it
 * towards itself with weight {@code 1 - exp(-elapsed / decay)}, {@code elapsed} being the time since
 * the previous update. Between samples the estimate a reader sees decays towards zero with the same
 * time constant, as Linkerd's does, so an endpoint that was shunned for being slow is tried again
 * after a while. Unlike Linkerd, reading never writes: the estimate is a function of the samples and
 * the time alone, not of how often it was looked at.
 *
 * <p>State is one {@link AtomicLong}, updated by compare-and-set: the estimate in its top 24 bits (a
 * non-negative {@code float} of nanoseconds, its 7 lowest mantissa bits dropped: relative precision
 * 1.5e-5) and the time of the last update in the low 40 bits, in units of 2^14 ns (16.4 µs). Elapsed
 * times are read as signed 40-bit differences, so they are right up to 104 days without an update;
 * an endpoint left without one for longer may see its old estimate undecayed until its next sample.
 * A time older than the last update (two event loops racing) counts as no time elapsed.
 */
public final class PeakEwma {

    /** Default decay time constant, as Linkerd's and Finagle's: 10 s. */
    public static final long DEFAULT_DECAY_NANOS = 10_000_000_000L;

    static final int TIME_SHIFT = 14;
    private static final int STAMP_BITS = 40;
    private static final long STAMP_MASK = (1L << STAMP_BITS) - 1;
    private static final long STAMP_SIGN = 1L << (STAMP_BITS - 1);
    private static final int VALUE_DROPPED_BITS = 7;
    /** No sample yet: value bits all ones, which would be a NaN, never a stored estimate. */
    private static final long UNSET = -1L;
    /** Largest estimate kept, about 31.7 years; also keeps the packed float finite. */
    private static final float MAX_NANOS = 1e18f;

    private final AtomicLong state = new AtomicLong(UNSET);
    private volatile double inverseDecayNanos = 1.0 / DEFAULT_DECAY_NANOS;

    /** Sets the decay time constant; the balancer over this endpoint's cluster decides it. */
    public void decay(long decayNanos) {
        if (decayNanos <= 0) {
            throw new IllegalArgumentException("decay must be positive: " + decayNanos);
        }
        inverseDecayNanos = 1.0 / decayNanos;
    }

    /** Whether a sample (or a default, see {@link #prime}) was ever recorded. */
    public boolean hasEstimate() {
        return state.get() != UNSET;
    }

    /** Records a round trip of {@code rttNanos} that ended at {@code nowNanos} ({@link System#nanoTime}). */
    public void observe(long rttNanos, long nowNanos) {
        float rtt = Math.min(MAX_NANOS, (float) Math.max(0, rttNanos));
        long stamp = stamp(nowNanos);
        while (true) {
            long current = state.get();
            long next;
            if (current == UNSET) {
                next = pack(rtt, stamp);
            } else {
                long elapsedUnits = elapsedUnits(current, stamp);
                double decay = Math.exp(-(double) (elapsedUnits << TIME_SHIFT) * inverseDecayNanos);
                double estimate = value(current) * decay;
                double updated = rtt > estimate ? rtt : estimate + rtt * (1 - decay);
                // A time older than the stored one keeps the stored one: the stamp never goes back.
                next = pack((float) updated, elapsedUnits == 0 ? (current & STAMP_MASK) : stamp);
            }
            if (next == current || state.compareAndSet(current, next)) {
                return;
            }
        }
    }

    /**
     * Gives an endpoint without samples the estimate {@code rttNanos} as of {@code nowNanos}, to decay
     * like a sample; does nothing once it has one. Linkerd starts every endpoint this way.
     */
    public void prime(long rttNanos, long nowNanos) {
        if (state.get() == UNSET) {
            state.compareAndSet(UNSET, pack(Math.min(MAX_NANOS, (float) Math.max(0, rttNanos)), stamp(nowNanos)));
        }
    }

    /** The estimate in nanoseconds at {@code nowNanos}, decayed since the last update; -1 with no estimate yet. */
    public double estimate(long nowNanos) {
        long current = state.get();
        if (current == UNSET) {
            return -1;
        }
        long elapsedUnits = elapsedUnits(current, stamp(nowNanos));
        return value(current) * Math.exp(-(double) (elapsedUnits << TIME_SHIFT) * inverseDecayNanos);
    }

    private static long stamp(long nowNanos) {
        return (nowNanos >> TIME_SHIFT) & STAMP_MASK;
    }

    /** Units of 2^14 ns from the stored stamp to {@code stamp}; 0 if {@code stamp} is older. */
    private static long elapsedUnits(long packed, long stamp) {
        long diff = (stamp - (packed & STAMP_MASK)) & STAMP_MASK;
        return (diff & STAMP_SIGN) != 0 ? 0 : diff;
    }

    private static long pack(float nanos, long stamp) {
        long bits = Float.floatToRawIntBits(Math.min(MAX_NANOS, Math.max(0f, nanos))) & 0x7fff_ffffL;
        return (bits >>> VALUE_DROPPED_BITS) << STAMP_BITS | stamp;
    }

    private static double value(long packed) {
        return Float.intBitsToFloat((int) ((packed >>> STAMP_BITS) << VALUE_DROPPED_BITS));
    }

    @Override
    public String toString() {
        long current = state.get();
        return current == UNSET ? "no estimate" : String.format("%.3f ms", value(current) / 1e6);
    }
}
