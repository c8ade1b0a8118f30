package dev.outrigger.sidecar.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * How a cluster picks an endpoint for a request: Envoy's {@code Cluster.lb_policy} (or a
 * {@code load_balancing_policy} extension) with its settings. Immutable values, compared by
 * content, so that a cluster whose policy is unchanged is not rebuilt by an update.
 */
public sealed interface LbPolicy {

    /** Round robin, weighted. */
    LbPolicy ROUND_ROBIN = new RoundRobin(SlowStart.NONE);
    /** Random, weighted. */
    LbPolicy RANDOM = new Random();

    /** Envoy's name of the policy ({@code ROUND_ROBIN}, ...), as {@code /clusters} shows it. */
    String name();

    /** How long it takes since an endpoint is added to take its full share, as Envoy's {@code SlowStartConfig}. */
    SlowStart slowStart();

    /**
     * Envoy's {@code slow_start_config}: an endpoint added to the cluster (or back from failing
     * health checks or an ejection) takes a growing share for {@code window}: its weight times
     * max({@code minWeightPercent}, (time in the window / window)^(1 / {@code aggression})).
     */
    record SlowStart(Duration window, double aggression, double minWeightPercent) {
        /** No slow start. */
        public static final SlowStart NONE = new SlowStart(Duration.ZERO, 1.0, 10.0);

        public SlowStart {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || !(aggression > 0) || Double.isInfinite(aggression)
                    || !(minWeightPercent >= 0 && minWeightPercent <= 100)) {
                throw new IllegalArgumentException("slow start needs a window >= 0, aggression > 0 and a minimum"
                        + " weight of 0 to 100 %");
            }
        }

        /** Whether endpoints ramp up at all. */
        public boolean enabled() {
            return !window.isZero();
        }
    }

    /** Each request goes to the next endpoint in a smooth weighted rotation. */
    record RoundRobin(SlowStart slowStart) implements LbPolicy {
        public RoundRobin {
            Objects.requireNonNull(slowStart, "slowStart");
        }

        @Override
        public String name() {
            return "ROUND_ROBIN";
        }
    }

    /** Each request goes to an endpoint drawn at random, in proportion to its weight. */
    record Random() implements LbPolicy {
        @Override
        public SlowStart slowStart() {
            return SlowStart.NONE;
        }

        @Override
        public String name() {
            return "RANDOM";
        }
    }

    /**
     * Envoy's {@code LEAST_REQUEST}: the fewest active requests among {@code choiceCount} random
     * endpoints; with unequal weights, weight divided by (active requests + 1) to the power
     * {@code activeRequestBias}.
     */
    record LeastRequest(int choiceCount, double activeRequestBias, SlowStart slowStart) implements LbPolicy {
        /** Envoy's defaults: two choices, bias 1.0. */
        public static final LeastRequest DEFAULTS = new LeastRequest(2, 1.0);

        /** Without slow start. */
        public LeastRequest(int choiceCount, double activeRequestBias) {
            this(choiceCount, activeRequestBias, SlowStart.NONE);
        }

        public LeastRequest {
            Objects.requireNonNull(slowStart, "slowStart");
            if (choiceCount < 2) {
                throw new IllegalArgumentException("choiceCount must be at least 2, got " + choiceCount);
            }
            if (!(activeRequestBias >= 0) || Double.isInfinite(activeRequestBias)) {
                throw new IllegalArgumentException("activeRequestBias must be a finite number >= 0, got "
                        + activeRequestBias);
            }
        }

        @Override
        public String name() {
            return "LEAST_REQUEST";
        }
    }

    /** Envoy's {@code RING_HASH}: a consistent hash ring of between the two sizes' entries. */
    record RingHash(long minRingSize, long maxRingSize) implements LbPolicy {
        @Override
        public SlowStart slowStart() {
            return SlowStart.NONE;
        }

        /** Envoy's limit on either size. */
        public static final long MAX_SIZE = 8 * 1024 * 1024;
        /** Envoy's defaults: 1024 to 8M entries. */
        public static final RingHash DEFAULTS = new RingHash(1024, MAX_SIZE);

        public RingHash {
            if (minRingSize < 1 || maxRingSize > MAX_SIZE || minRingSize > maxRingSize) {
                throw new IllegalArgumentException("ring sizes must satisfy 1 <= min <= max <= " + MAX_SIZE + ", got "
                        + minRingSize + " and " + maxRingSize);
            }
        }

        @Override
        public String name() {
            return "RING_HASH";
        }
    }

    /** Envoy's {@code MAGLEV}: a lookup table of {@code tableSize} (a prime) entries. */
    record Maglev(int tableSize) implements LbPolicy {
        @Override
        public SlowStart slowStart() {
            return SlowStart.NONE;
        }

        /** Envoy's default table size. */
        public static final Maglev DEFAULTS = new Maglev(65537);

        public Maglev {
            if (tableSize < 2 || !java.math.BigInteger.valueOf(tableSize).isProbablePrime(30)) {
                throw new IllegalArgumentException("tableSize must be a prime, got " + tableSize);
            }
        }

        @Override
        public String name() {
            return "MAGLEV";
        }
    }

    /**
     * Outrigger's latency-aware policy, as Linkerd balances: the lower cost of two random
     * endpoints, cost being a peak-sensitive moving average of response time times (active
     * requests + 1).
     *
     * @param decay how fast the average forgets (Linkerd: 10 s)
     * @param defaultRtt the response time assumed for an endpoint not measured yet
     */
    record PeakEwma(Duration decay, Duration defaultRtt) implements LbPolicy {
        @Override
        public SlowStart slowStart() {
            return SlowStart.NONE;
        }

        /** Linkerd's defaults: 10 s decay, 30 ms assumed for an endpoint not measured yet. */
        public static final PeakEwma DEFAULTS = new PeakEwma(Duration.ofSeconds(10), Duration.ofMillis(30));

        public PeakEwma {
            Objects.requireNonNull(decay, "decay");
            Objects.requireNonNull(defaultRtt, "defaultRtt");
            if (decay.isNegative() || decay.isZero() || defaultRtt.isNegative()) {
                throw new IllegalArgumentException("decay must be positive and defaultRtt not negative");
            }
        }

        @Override
        public String name() {
            return "PEAK_EWMA";
        }
    }
}
