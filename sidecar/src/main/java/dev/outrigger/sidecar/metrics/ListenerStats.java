package dev.outrigger.sidecar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The meters of one listener, created once so the data path only increments. */
public final class ListenerStats {

    private final Counter connections;
    private final AtomicLong activeConnections = new AtomicLong();
    private final AtomicLong activeRequests = new AtomicLong();
    private final ResponseClassCounters responses;
    private final Timer requestTime;
    private final ConcurrentMap<String, Counter> localErrors = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> detected = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Tags tags;

    ListenerStats(MeterRegistry registry, String listener) {
        this.registry = registry;
        this.tags = Tags.of(MeterNames.TAG_LISTENER, listener);
        connections = Counter.builder(MeterNames.DOWNSTREAM_CX).tags(tags).register(registry);
        registry.gauge(MeterNames.DOWNSTREAM_CX_ACTIVE, tags, activeConnections);
        registry.gauge(MeterNames.DOWNSTREAM_RQ_ACTIVE, tags, activeRequests);
        responses = new ResponseClassCounters(registry, MeterNames.DOWNSTREAM_RQ, tags);
        requestTime = LatencyTimers.register(registry, MeterNames.DOWNSTREAM_RQ_TIME, tags);
    }

    /** A connection was accepted. */
    public void connectionOpened() {
        connections.increment();
        activeConnections.incrementAndGet();
    }

    /** A connection closed. */
    public void connectionClosed() {
        activeConnections.decrementAndGet();
    }

    /** A request's headers arrived. */
    public void requestStarted() {
        activeRequests.incrementAndGet();
    }

    /** A request's response was fully sent (or the exchange was abandoned, with status 0). */
    public void requestFinished(int status, long startNanos) {
        activeRequests.decrementAndGet();
        if (status > 0) {
            responses.count(status);
        }
        requestTime.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** Outrigger answered a request itself for the reason {@code code} (an {@code x-outrigger-error} value). */
    public void localError(String code) {
        localErrors.computeIfAbsent(code, c -> Counter.builder(MeterNames.DOWNSTREAM_RQ_LOCAL_ERROR).tags(tags)
                .tag(MeterNames.TAG_REASON, c).register(registry)).increment();
    }

    /**
     * Protocol detection classified a connection as {@code protocol} (a lower-case tag value such
     * as {@code http1}; callers pass constants, so a lookup allocates nothing).
     */
    public void protocolDetected(String protocol) {
        detected.computeIfAbsent(protocol, p -> Counter.builder(MeterNames.DOWNSTREAM_CX_DETECTED).tags(tags)
                .tag(MeterNames.TAG_PROTOCOL, p).register(registry)).increment();
    }

    /** Connections open now. */
    public long activeConnections() {
        return activeConnections.get();
    }
}
