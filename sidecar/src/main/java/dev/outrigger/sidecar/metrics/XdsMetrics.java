package dev.outrigger.sidecar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The meters of the xDS stream and of applying what it delivers. */
public final class XdsMetrics {

    private final MeterRegistry registry;
    private final Counter reconnects;
    private final AtomicInteger connected = new AtomicInteger();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> applyTimes = new ConcurrentHashMap<>();

    XdsMetrics(MeterRegistry registry) {
        this.registry = registry;
        reconnects = Counter.builder(MeterNames.XDS_RECONNECTS).register(registry);
        registry.gauge(MeterNames.XDS_CONNECTED, connected);
    }

    /** A response of {@code type} was ACKed ({@code rejected} 0) or NACKed. */
    public void response(String type, int rejected) {
        String result = rejected == 0 ? "ack" : "nack";
        counters.computeIfAbsent(type + "/" + result, k -> Counter.builder(MeterNames.XDS_UPDATES)
                .tags(Tags.of(MeterNames.TAG_TYPE, type, MeterNames.TAG_RESULT, result)).register(registry))
                .increment();
        if (rejected > 0) {
            counters.computeIfAbsent(type + "/rejected", k -> Counter.builder(MeterNames.XDS_REJECTED)
                    .tags(Tags.of(MeterNames.TAG_TYPE, type)).register(registry)).increment(rejected);
        }
    }

    /** A stream is being opened again after a failure. */
    public void reconnect() {
        reconnects.increment();
    }

    /** The stream is (or is no longer) connected. */
    public void connected(boolean value) {
        connected.set(value ? 1 : 0);
    }

    /** A resource of {@code type} started serving {@code latency} after it arrived. */
    public void applied(String type, Duration latency) {
        applyTimes.computeIfAbsent(type, t -> LatencyTimers.register(registry, MeterNames.XDS_APPLY_TIME,
                Tags.of(MeterNames.TAG_TYPE, t))).record(latency);
    }
}
