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

/** {@link HeaderTemplate#render}: the per-request part of a {@code *_headers_to_add} value. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class HeaderTemplateBenchmark {

    private HeaderContext ipv4;
    private HeaderContext ipv6;
    private HeaderTemplate literal;
    private HeaderTemplate variable;
    private HeaderTemplate withoutPort;
    private HeaderTemplate mixed;

    @Setup
    public void setup() {
        ipv4 = new HeaderContext("10.244.3.17:51234", "10.244.1.5:15001", "HTTP/1.1", "10.244.7.42:8080");
        ipv6 = new HeaderContext("[2001:db8::17]:51234", "[2001:db8::5]:15001", "HTTP/2", "[2001:db8::42]:8080");
        literal = HeaderTemplate.parse("catalog");
        variable = HeaderTemplate.parse("%DOWNSTREAM_REMOTE_ADDRESS%");
        withoutPort = HeaderTemplate.parse("%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%");
        mixed = HeaderTemplate.parse(
                "client=%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%; proto=%PROTOCOL%; upstream=%UPSTREAM_REMOTE_ADDRESS%");
    }

    /** {@code catalog}: no variable. */
    @Benchmark
    public String literal() {
        return literal.render(ipv4);
    }

    /** {@code %DOWNSTREAM_REMOTE_ADDRESS%} alone. */
    @Benchmark
    public String singleVariable() {
        return variable.render(ipv4);
    }

    /** {@code %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%} of an IPv4 address. */
    @Benchmark
    public String withoutPortIpv4() {
        return withoutPort.render(ipv4);
    }

    /** {@code %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%} of a bracketed IPv6 address. */
    @Benchmark
    public String withoutPortIpv6() {
        return withoutPort.render(ipv6);
    }

    /** Three variables between literals. */
    @Benchmark
    public String mixed() {
        return mixed.render(ipv4);
    }
}
