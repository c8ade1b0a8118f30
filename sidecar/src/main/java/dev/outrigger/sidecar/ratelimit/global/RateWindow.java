package dev.outrigger.sidecar.ratelimit.global;

/**
 * Where a moment falls in the windows of a limit, and the arithmetic of both counting algorithms
 * on the counts Redis holds. Pure; every count is a request count and every time is in milliseconds.
 *
 * <p>Windows are aligned to the Unix epoch on the sidecar's clock, so sidecars agree on them as
 * far as their clocks agree: a sidecar whose clock is off by δ counts up to δ of requests at a
 * window's edge into the neighbouring window.
 *
 * <p>{@link RedisAlgorithm#FIXED_WINDOW}: the estimate is the current window's count.
 *
 * <p>{@link RedisAlgorithm#SLIDING_WINDOW}: the estimate of the requests in the last window length
 * is {@code previous × (length − elapsed) / length + current}, which assumes the previous window's
 * requests were spread evenly over it. It is exact for evenly spread traffic, never admits more
 * than the limit within one aligned window (the estimate is at least the current count), and
 * refuses an instant burst at a window's edge that a fixed window would let through twice. Its
 * error: when the previous window's requests all came at its very end, a true sliding window would
 * refuse sooner, and at worst twice the limit passes in one window length (spread over that length,
 * never in a burst). The alternative, a sorted set of every request's time, is exact but holds one
 * entry per request, which limits of thousands per minute make costly; this keeps two counters.
 *
 * @param startMillis the current window's start, epoch milliseconds
 * @param lengthMillis the window length
 * @param nowMillis the moment, epoch milliseconds, in {@code [startMillis, startMillis + lengthMillis)}
 */
record RateWindow(long startMillis, long lengthMillis, long nowMillis) {

    RateWindow {
        if (lengthMillis <= 0) {
            throw new IllegalArgumentException("lengthMillis must be positive, got " + lengthMillis);
        }
        if (nowMillis < startMillis || nowMillis - startMillis >= lengthMillis) {
            throw new IllegalArgumentException(nowMillis + " is not in the window starting at " + startMillis);
        }
    }

    /** The window of {@code lengthMillis} that {@code nowMillis} falls in. */
    static RateWindow at(long nowMillis, long lengthMillis) {
        return new RateWindow(Math.floorDiv(nowMillis, lengthMillis) * lengthMillis, lengthMillis, nowMillis);
    }

    /** Milliseconds of this window already past. */
    long elapsedMillis() {
        return nowMillis - startMillis;
    }

    /** Milliseconds until this window ends, 1 to the length. */
    long millisToEnd() {
        return lengthMillis - elapsedMillis();
    }

    /** The current window's start in epoch seconds, as keys name it. */
    long startSeconds() {
        return Math.floorDiv(startMillis, 1000);
    }

    /** The previous window's start in epoch seconds. */
    long previousStartSeconds() {
        return Math.floorDiv(startMillis - lengthMillis, 1000);
    }

    /**
     * The weight of the previous window's count, in milliseconds of it the sliding window still
     * covers (the estimate is {@code (previous × weight + current × length) / length}): 0 for a fixed window.
     */
    long previousWeightMillis(RedisAlgorithm algorithm) {
        return algorithm == RedisAlgorithm.FIXED_WINDOW ? 0 : lengthMillis - elapsedMillis();
    }

    /** True when a request of {@code hits} does not fit under {@code limit} given the counts: what the script decides. */
    boolean isOver(long limit, long current, long previous, long hits, RedisAlgorithm algorithm) {
        return scaledEstimate(current + hits, previous, algorithm) > limit * lengthMillis;
    }

    /** Requests left under {@code limit} given the counts, rounded down, 0 to {@code limit}. */
    long remaining(long limit, long current, long previous, RedisAlgorithm algorithm) {
        long left = limit * lengthMillis - scaledEstimate(current, previous, algorithm);
        return left <= 0 ? 0 : Math.min(limit, left / lengthMillis);
    }

    /**
     * The least time from now until a request of one hit fits under {@code limit}, if no other
     * request is counted meanwhile; 0 when one fits now. Other sidecars only add to the counts, so
     * a request is refused at least this long: the local over-limit cache holds a refusal exactly
     * that long. A limit of 0 never fits; that answers the rest of the window.
     */
    long millisUntilAllowed(long limit, long current, long previous, RedisAlgorithm algorithm) {
        if (!isOver(limit, current, previous, 1, algorithm)) {
            return 0;
        }
        if (algorithm == RedisAlgorithm.FIXED_WINDOW || limit == 0) {
            return millisToEnd();
        }
        if (current + 1 <= limit) {
            // The previous window's weight has to shrink until previous × w ≤ (limit − 1 − current) × length.
            long elapsedNeeded = lengthMillis - Math.floorDiv((limit - 1 - current) * lengthMillis, previous);
            return Math.max(1, elapsedNeeded - elapsedMillis());
        }
        // The current window is full: wait for it to end, then for its count, now the previous
        // window's, to weigh little enough in the next: current × w ≤ (limit − 1) × length.
        long intoNext = lengthMillis - Math.floorDiv((limit - 1) * lengthMillis, current);
        return millisToEnd() + Math.max(0, intoNext);
    }

    /** The estimate times the window length, kept whole: {@code previous × weight + current × length}. */
    private long scaledEstimate(long current, long previous, RedisAlgorithm algorithm) {
        return previous * previousWeightMillis(algorithm) + current * lengthMillis;
    }
}
