package dev.outrigger.sidecar.ratelimit;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket shared by every event loop, with the semantics of Envoy's timer-filled local
 * rate limit bucket: it starts full, each whole fill interval since it was created adds
 * {@code tokensPerFill} tokens (never more than {@code maxTokens}), and each admission takes one.
 *
 * <p>Lock-free and timer-free: fills are worked out from the clock when the bucket is used, and
 * the whole state is one {@code AtomicLong}. It is a ledger position rather than a count: the
 * fills have offered {@code filled(t) = fills(t) × tokensPerFill} tokens since creation, and
 * {@code taken} is the position of the last token handed out. The bucket then holds
 * {@code maxTokens − max(0, taken − filled(t))} tokens, and taking one moves {@code taken} to
 * {@code max(taken, filled(t)) + 1}. A fill lowers {@code taken − filled} by {@code tokensPerFill},
 * and the {@code max(0, …)} is the cap at {@code maxTokens}, so this is exactly "add
 * tokensPerFill per interval, capped" without a second field to keep in step with the count.
 *
 * <p>Arithmetic wraps and only differences are compared, so the ledger stays exact while fewer
 * than 2^63 tokens' worth of fills pass between two uses of the bucket: over three years even at
 * the largest rate the API can express (4294967295 tokens every 50 ms). It never admits more than
 * the bucket allows; a thread whose clock reading is older than another's may be refused at a
 * fill boundary that the other already saw.
 */
public final class TokenBucket {

    private final TokenBucketSpec spec;
    private final long maxTokens;
    // A fill larger than the bucket cannot add more than a full bucket; clamping keeps the
    // ledger's products small without changing what the bucket holds.
    private final long tokensPerFill;
    private final long fillNanos;
    private final long originNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong taken = new AtomicLong();

    /** A full bucket on {@link System#nanoTime()}. */
    public TokenBucket(TokenBucketSpec spec) {
        this(spec, System::nanoTime);
    }

    /**
     * A full bucket whose fills follow {@code nanoClock}, a monotonic clock in nanoseconds such
     * as {@link System#nanoTime()}; its fill intervals start now.
     */
    public TokenBucket(TokenBucketSpec spec, LongSupplier nanoClock) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.maxTokens = spec.maxTokens();
        this.tokensPerFill = Math.min(spec.tokensPerFill(), spec.maxTokens());
        this.fillNanos = spec.fillNanos();
        this.originNanos = nanoClock.getAsLong();
    }

    /** Takes one token if there is one; false (and nothing taken) when the bucket is empty. */
    public boolean tryConsume() {
        long filled = filled(nanoClock.getAsLong());
        while (true) {
            long t = taken.get();
            long deficit = t - filled;
            long next;
            if (deficit <= 0) {
                next = filled + 1;
            } else if (deficit >= maxTokens) {
                return false;
            } else {
                next = t + 1;
            }
            if (taken.compareAndSet(t, next)) {
                return true;
            }
        }
    }

    /** Tokens in the bucket now, 0 to {@link #maxTokens()}. */
    public long remaining() {
        long deficit = taken.get() - filled(nanoClock.getAsLong());
        if (deficit <= 0) {
            return maxTokens;
        }
        return deficit >= maxTokens ? 0 : maxTokens - deficit;
    }

    /** Nanoseconds until the next fill, 1 to the fill interval: what {@code x-ratelimit-reset} reports. */
    public long nanosUntilNextFill() {
        long elapsed = nanoClock.getAsLong() - originNanos;
        return fillNanos - Math.floorMod(elapsed, fillNanos);
    }

    /** Whole seconds until the next fill, rounded up: the value of {@code x-ratelimit-reset}. */
    public long secondsUntilNextFill() {
        long nanos = nanosUntilNextFill();
        return nanos / 1_000_000_000L + (nanos % 1_000_000_000L == 0 ? 0 : 1);
    }

    /** The bucket's capacity: the value of {@code x-ratelimit-limit}. */
    public long maxTokens() {
        return maxTokens;
    }

    /** The configuration this bucket was made from. */
    public TokenBucketSpec spec() {
        return spec;
    }

    private long filled(long now) {
        long fills = Math.floorDiv(now - originNanos, fillNanos);
        return fills * tokensPerFill;
    }
}
