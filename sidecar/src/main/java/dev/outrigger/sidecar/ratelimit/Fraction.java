package dev.outrigger.sidecar.ratelimit;

import java.util.Objects;

/**
 * A share of requests, as Envoy's {@code FractionalPercent}: {@code numerator} out of 100,
 * 10 000 or 1 000 000. A numerator above the denominator means all requests.
 *
 * @param numerator the share's numerator, 0 to 4294967295
 * @param denominator what it is out of
 */
public record Fraction(long numerator, Denominator denominator) {

    /** No request. */
    public static final Fraction NONE = new Fraction(0, Denominator.HUNDRED);
    /** Every request. */
    public static final Fraction ALL = new Fraction(100, Denominator.HUNDRED);

    /** The denominators Envoy allows. */
    public enum Denominator {
        /** Out of 100. */
        HUNDRED(100),
        /** Out of 10 000. */
        TEN_THOUSAND(10_000),
        /** Out of 1 000 000. */
        MILLION(1_000_000);

        private final int value;

        Denominator(int value) {
            this.value = value;
        }

        /** The number itself. */
        public int value() {
            return value;
        }
    }

    public Fraction {
        Objects.requireNonNull(denominator, "denominator");
        if (numerator < 0 || numerator > TokenBucketSpec.MAX_UINT32) {
            throw new IllegalArgumentException("numerator must be 0 to " + TokenBucketSpec.MAX_UINT32
                    + ", got " + numerator);
        }
    }

    /**
     * True when a request that drew {@code roll}, uniform in [0, 1), falls in the share: the
     * lowest {@code numerator / denominator} of the range. So NONE includes no roll and ALL every one.
     */
    public boolean includes(double roll) {
        // Compared as roll × denominator < numerator, the form of Envoy's "random % denominator < numerator".
        return roll * denominator.value < numerator;
    }
}
