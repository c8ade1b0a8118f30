package dev.outrigger.sidecar.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Request-duration histograms with fixed buckets, so every series has the same, few buckets. */
final class LatencyTimers {

    // From 0.5 ms to 60 s, roughly what Envoy's default histogram buckets cover.
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1).dividedBy(2), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
    };

    private LatencyTimers() {
    }

    static Timer register(MeterRegistry registry, String name, Tags tags) {
        return Timer.builder(name).tags(tags).serviceLevelObjectives(BUCKETS).register(registry);
    }
}
