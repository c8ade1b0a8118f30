package dev.outrigger.sidecar.route;

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
 * {@link VirtualHostIndex#find} over 1,000 domains ({@link RouteTables#thousandDomains()}): 700
 * exact, 200 suffix wildcards in 5 distinct lengths, 100 prefix wildcards in 8 distinct lengths.
 * Every wildcard length tried costs one substring and one hash lookup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class VirtualHostIndexBenchmark {

    private VirtualHostIndex index;
    // not constants, so the JIT cannot fold them
    private String exact = "svc-120.ns-3.svc.cluster.local";
    private String exactUpperCase = "Svc-120.NS-3.svc.cluster.local";
    private String exactUnlistedPort = "svc-120.ns-3:9090";
    private String suffix = "shop.team-42.example.org";
    private String prefix = "api-7.corp.internal";
    private String miss = "www.unknown-shop.example.net";
    private String missWithPort = "www.unknown-shop.example.net:8443";

    @Setup
    public void setup() {
        index = RouteTables.thousandDomains();
        expect(exact, "svc-120");
        expect(exactUpperCase, "svc-120");
        expect(exactUnlistedPort, "svc-120");
        expect(suffix, "team-42");
        expect(prefix, "legacy-7");
        expect(miss, null);
        expect(missWithPort, null);
    }

    private void expect(String authority, String name) {
        VirtualHost vh = index.find(authority);
        String got = vh == null ? null : vh.name();
        if (!java.util.Objects.equals(got, name)) {
            throw new IllegalStateException(authority + " found " + got + ", expected " + name);
        }
    }

    /** Exact domain: one hash lookup, no allocation. */
    @Benchmark
    public VirtualHost exact() {
        return index.find(exact);
    }

    /** Exact domain in mixed case: lower-casing copies the authority first. */
    @Benchmark
    public VirtualHost exactUpperCase() {
        return index.find(exactUpperCase);
    }

    /** A port no domain lists: every wildcard length is tried, then the exact lookup without the port. */
    @Benchmark
    public VirtualHost exactUnlistedPort() {
        return index.find(exactUnlistedPort);
    }

    /** Suffix wildcard ({@code *.team-42.example.org}). */
    @Benchmark
    public VirtualHost suffixWildcard() {
        return index.find(suffix);
    }

    /** Prefix wildcard ({@code api-7.corp.*}): all suffix lengths are tried first. */
    @Benchmark
    public VirtualHost prefixWildcard() {
        return index.find(prefix);
    }

    /** No domain matches: every suffix and prefix length is tried. */
    @Benchmark
    public VirtualHost miss() {
        return index.find(miss);
    }

    /** No domain matches an authority with a port: two full scans. */
    @Benchmark
    public VirtualHost missWithPort() {
        return index.find(missWithPort);
    }
}
