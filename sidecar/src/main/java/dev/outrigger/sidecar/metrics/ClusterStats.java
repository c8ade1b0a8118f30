package dev.outrigger.sidecar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The meters of one upstream cluster, created once so the data path only increments. */
public final class ClusterStats {

    private final ResponseClassCounters responses;
    private final AtomicLong activeRequests = new AtomicLong();
    private final AtomicLong activeConnections = new AtomicLong();
    private final Timer requestTime;
    private final Counter timeouts;
    private final Counter connections;
    private final Counter connectFailures;
    private final Counter overflows;
    private final Counter bytesSent;
    private final Counter bytesReceived;
    private final MeterRegistry registry;
    private final Tags tags;
    private OutlierStats outlier;

    ClusterStats(MeterRegistry registry, String cluster) {
        Tags tags = Tags.of(MeterNames.TAG_CLUSTER, cluster);
        this.registry = registry;
        this.tags = tags;
        responses = new ResponseClassCounters(registry, MeterNames.UPSTREAM_RQ, tags);
        registry.gauge(MeterNames.UPSTREAM_RQ_ACTIVE, tags, activeRequests);
        registry.gauge(MeterNames.UPSTREAM_CX_ACTIVE, tags, activeConnections);
        requestTime = LatencyTimers.register(registry, MeterNames.UPSTREAM_RQ_TIME, tags);
        timeouts = Counter.builder(MeterNames.UPSTREAM_RQ_TIMEOUT).tags(tags).register(registry);
        connections = Counter.builder(MeterNames.UPSTREAM_CX).tags(tags).register(registry);
        connectFailures = Counter.builder(MeterNames.UPSTREAM_CX_CONNECT_FAIL).tags(tags).register(registry);
        overflows = Counter.builder(MeterNames.UPSTREAM_RQ_OVERFLOW).tags(tags).register(registry);
        bytesSent = Counter.builder(MeterNames.UPSTREAM_CX_TX_BYTES).tags(tags).register(registry);
        bytesReceived = Counter.builder(MeterNames.UPSTREAM_CX_RX_BYTES).tags(tags).register(registry);
    }

    /** A request was sent to an endpoint. */
    public void requestStarted() {
        activeRequests.incrementAndGet();
    }

    /** The upstream answered {@code status}; {@code startNanos} is when the request was sent. */
    public void requestFinished(int status, long startNanos) {
        activeRequests.decrementAndGet();
        responses.count(status);
        requestTime.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** A request sent upstream ended without a response (reset, timeout, downstream gone). */
    public void requestAbandoned() {
        activeRequests.decrementAndGet();
    }

    /** A request hit its route timeout. */
    public void timeout() {
        timeouts.increment();
    }

    /** A connection to an endpoint was established. */
    public void connectionOpened() {
        connections.increment();
        activeConnections.incrementAndGet();
    }

    /** An established connection closed. */
    public void connectionClosed() {
        activeConnections.decrementAndGet();
    }

    /** A connection attempt failed. */
    public void connectFailed() {
        connectFailures.increment();
    }

    /** A request was refused by a connection-pool limit. */
    public void overflow() {
        overflows.increment();
    }

    /** {@code bytes} were written towards an endpoint. */
    public void bytesSent(long bytes) {
        bytesSent.increment(bytes);
    }

    /** {@code bytes} were read from an endpoint. */
    public void bytesReceived(long bytes) {
        bytesReceived.increment(bytes);
    }

    /** The cluster's outlier-detection meters, registered on first use. */
    public synchronized OutlierStats outlier() {
        if (outlier == null) {
            outlier = new OutlierStats(registry, tags);
        }
        return outlier;
    }
}
