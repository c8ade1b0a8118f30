package dev.outrigger.sidecar.route;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link RouteTable#select} over the 1,000-route table of {@link RouteTables#thousandRoutes()}
 * (one virtual host of 500 routes, 100 of 5).
 *
 * <ul>
 *   <li>{@code firstRoute}: the first route of the 500-route host matches ({@code /healthz}).
 *   <li>{@code lastRoute}: the 500th route matches, after 499 failed path tests (25 of them
 *       RE2 regexes; header and query matchers are tried only when the path matched).
 *   <li>{@code noMatch}: the path matches none of the 500 routes: the same full scan, then null.
 *   <li>{@code unknownHost}: no virtual host serves the authority: index lookup only.
 *   <li>{@code typicalMix}: cycles through 64 requests, one per route spread evenly over the
 *       table (see {@link RouteTables#typicalMix()}); the score is the average per request.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class RouteTableBenchmark {

    private RouteTable table;
    private BenchRequest first;
    private BenchRequest last;
    private BenchRequest noMatch;
    private BenchRequest unknownHost;
    private BenchRequest[] mix;
    private int next;

    @Setup
    public void setup() {
        table = RouteTables.thousandRoutes();
        first = BenchRequest.get(RouteTables.CATALOG, "/healthz");
        last = BenchRequest.get(RouteTables.CATALOG, "/static/js/app.3f9a1c.js");
        noMatch = BenchRequest.get(RouteTables.CATALOG, "/api/v3/orders/17");
        unknownHost = BenchRequest.get("www.unknown-shop.example.net", "/healthz");
        List<RouteTables.Case> cases = RouteTables.typicalMix();
        RouteTables.verify(table, List.of(
                new RouteTables.Case(first, "healthz"),
                new RouteTables.Case(last, "static"),
                new RouteTables.Case(noMatch, null),
                new RouteTables.Case(unknownHost, null)));
        RouteTables.verify(table, cases);
        mix = new BenchRequest[cases.size()];
        for (int i = 0; i < mix.length; i++) {
            mix[i] = cases.get(i).request();
        }
        if (Integer.bitCount(mix.length) != 1) {
            throw new IllegalStateException("the mix size must be a power of two");
        }
    }

    @Benchmark
    public RouteSelection firstRoute() {
        return table.select(first);
    }

    @Benchmark
    public RouteSelection lastRoute() {
        return table.select(last);
    }

    @Benchmark
    public RouteSelection noMatch() {
        return table.select(noMatch);
    }

    @Benchmark
    public RouteSelection unknownHost() {
        return table.select(unknownHost);
    }

    @Benchmark
    public RouteSelection typicalMix() {
        BenchRequest request = mix[next];
        next = (next + 1) & (mix.length - 1);
        return table.select(request);
    }
}
