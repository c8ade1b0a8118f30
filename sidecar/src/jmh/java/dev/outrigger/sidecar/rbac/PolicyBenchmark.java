package dev.outrigger.sidecar.rbac;

import dev.outrigger.sidecar.ratelimit.TokenBucket;
import dev.outrigger.sidecar.ratelimit.TokenBucketSpec;
import dev.outrigger.sidecar.route.RequestView;
import dev.outrigger.sidecar.route.StringMatcher;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request cost of the policy filters' decisions, without the filter plumbing:
 * {@link RbacEngine#evaluate} of a mesh's typical rules (allow 20 callers by SPIFFE ID, each with
 * a path prefix, then an IP allow list of 20 CIDR ranges), for a caller matching the first
 * policy, the last, and none (the whole list is tested); and {@link TokenBucket#tryConsume} of a
 * bucket that never runs dry, from one thread and from two sharing it (as two event loops do).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PolicyBenchmark {

    private RbacEngine engine;
    private Input first;
    private Input last;
    private Input none;
    private TokenBucket bucket;

    /** An HTTP request from a caller: what RBAC reads, built once. */
    private static final class Input implements RbacInput {
        private final String principal;
        private final InetAddress remote;
        private final InetSocketAddress directRemote;
        private final InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
        private final RequestView request;

        Input(String principal, InetAddress remote, String path) {
            this.principal = principal;
            this.remote = remote;
            this.directRemote = new InetSocketAddress(remote, 40000);
            this.request = new RequestView() {
                @Override
                public String method() {
                    return "GET";
                }

                @Override
                public String authority() {
                    return "orders";
                }

                @Override
                public String pathAndQuery() {
                    return path;
                }

                @Override
                public List<String> headerValues(String lowerCaseName) {
                    return List.of();
                }
            };
        }

        @Override
        public RequestView request() {
            return request;
        }

        @Override
        public InetSocketAddress directRemote() {
            return directRemote;
        }

        @Override
        public InetAddress remoteIp() {
            return remote;
        }

        @Override
        public InetSocketAddress local() {
            return local;
        }

        @Override
        public String requestedServerName() {
            return "";
        }

        @Override
        public String principal() {
            return principal;
        }
    }

    @Setup
    public void setup() throws UnknownHostException {
        List<Policy> policies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "spiffe://cluster.local/ns/shop/sa/caller-" + i;
            policies.add(new Policy(String.format("caller-%02d", i),
                    List.of(new Permission.UrlPath(new StringMatcher.Prefix("/api/v" + i + "/", false))),
                    List.of(new Principal.Authenticated(new StringMatcher.Exact(id, false)))));
        }
        List<Principal> ranges = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ranges.add(new Principal.RemoteIp(CidrRange.of(InetAddress.getByName("10." + i + ".0.0"), 16)));
        }
        policies.add(new Policy("ip-allow-list", List.of(new Permission.Any()), List.of(new Principal.Or(ranges))));
        engine = new RbacEngine(RbacAction.ALLOW, policies);
        InetAddress outside = InetAddress.getByName("192.168.7.7");
        first = new Input("spiffe://cluster.local/ns/shop/sa/caller-0", outside, "/api/v0/orders");
        last = new Input(null, InetAddress.getByName("10.19.3.4"), "/healthz");
        none = new Input("spiffe://cluster.local/ns/shop/sa/stranger", outside, "/api/v0/orders");
        if (!"caller-00".equals(engine.evaluate(first).matchedPolicy())
                || !"ip-allow-list".equals(engine.evaluate(last).matchedPolicy())
                || engine.evaluate(none).allowed()) {
            throw new IllegalStateException("the rules do not decide as intended");
        }
        bucket = new TokenBucket(new TokenBucketSpec(TokenBucketSpec.MAX_UINT32, TokenBucketSpec.MAX_UINT32,
                Duration.ofMillis(50)));
    }

    @Benchmark
    public RbacEngine.Decision rbacFirstPolicy() {
        return engine.evaluate(first);
    }

    @Benchmark
    public RbacEngine.Decision rbacLastPolicy() {
        return engine.evaluate(last);
    }

    @Benchmark
    public RbacEngine.Decision rbacNoPolicy() {
        return engine.evaluate(none);
    }

    @Benchmark
    public boolean tokenBucket() {
        return bucket.tryConsume();
    }

    @Benchmark
    @Threads(2)
    public boolean tokenBucketTwoThreads() {
        return bucket.tryConsume();
    }
}
