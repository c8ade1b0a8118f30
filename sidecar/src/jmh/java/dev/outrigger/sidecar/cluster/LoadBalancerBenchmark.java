package dev.outrigger.sidecar.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link LoadBalancer#choose()} of the round-robin balancer, as built for a cluster from its
 * configuration. The balancer is shared by the benchmark threads ({@link Scope#Benchmark}), as
 * it is by a cluster's event loops, so the 2-thread runs contend on its one atomic counter.
 *
 * <p>{@code weighted} gives each endpoint a weight in 1..100 (fixed seed), which makes the
 * schedule the balancer cycles through about 50 times longer than the endpoint list (up to its
 * 65,536-slot cap).
 *
 * <p>{@code perThreadCounter*} are not production code: they pick from the same schedule with a
 * counter owned by the thread, as an event-loop-local cursor would, to show what the shared
 * counter costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class LoadBalancerBenchmark {

    @Param({"3", "100", "1000"})
    public int endpoints;

    @Param({"equal", "weighted"})
    public String weights;

    /** The policy: ROUND_ROBIN, RANDOM, LEAST_REQUEST, RING_HASH (picks with a hash), MAGLEV (with a hash), PEAK_EWMA. */
    @Param({"ROUND_ROBIN"})
    public String policy;

    /** A hash that changes per pick, for the hash-based policies. */
    private final LbContext hashed = new LbContext() {
        private long next;

        @Override
        public boolean hasHash() {
            return true;
        }

        @Override
        public long hash() {
            next += 0x9E3779B97F4A7C15L;
            return next;
        }
    };

    private LoadBalancer balancer;
    private EndpointState[] schedule;

    @Setup
    public void setup() {
        SplittableRandom random = new SplittableRandom(42);
        List<EndpointConfig> configs = new ArrayList<>(endpoints);
        for (int i = 0; i < endpoints; i++) {
            int weight = switch (weights) {
                case "equal" -> 1;
                case "weighted" -> 1 + random.nextInt(100);
                default -> throw new IllegalArgumentException("weights: equal or weighted, not " + weights);
            };
            configs.add(new EndpointConfig("10.244." + (i / 250) + "." + (i % 250 + 1), 8080, weight));
        }
        LbPolicy lb = switch (policy) {
            case "ROUND_ROBIN" -> LbPolicy.ROUND_ROBIN;
            case "RANDOM" -> LbPolicy.RANDOM;
            case "LEAST_REQUEST" -> LbPolicy.LeastRequest.DEFAULTS;
            case "RING_HASH" -> LbPolicy.RingHash.DEFAULTS;
            case "MAGLEV" -> LbPolicy.Maglev.DEFAULTS;
            case "PEAK_EWMA" -> LbPolicy.PeakEwma.DEFAULTS;
            default -> throw new IllegalArgumentException("policy: " + policy);
        };
        ClusterConfig cluster = new ClusterConfig("bench", ClusterConfig.DEFAULT_CONNECT_TIMEOUT, lb,
                configs, ConnectionPoolSettings.DEFAULTS);
        List<EndpointState> states = LoadBalancers.endpointStates(cluster.endpoints(), List.of());
        balancer = LoadBalancers.create(cluster.lbPolicy(), states);
        schedule = RoundRobinLoadBalancer.schedule(states);
    }

    /** The thread's own cursor for the per-thread baseline. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Benchmark
    @Threads(1)
    public EndpointState choose1Thread() {
        return balancer.choose(hashed);
    }

    @Benchmark
    @Threads(2)
    public EndpointState choose2Threads() {
        return balancer.choose(hashed);
    }

    @Benchmark
    @Threads(1)
    public EndpointState perThreadCounter1Thread(Cursor cursor) {
        return pickWith(cursor);
    }

    @Benchmark
    @Threads(2)
    public EndpointState perThreadCounter2Threads(Cursor cursor) {
        return pickWith(cursor);
    }

    private EndpointState pickWith(Cursor cursor) {
        int n = cursor.next++;
        return schedule[Math.floorMod(n, schedule.length)];
    }
}
