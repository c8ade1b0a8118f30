package dev.outrigger.sidecar.cluster;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One endpoint of a running cluster: its address and its live counters. Shared by all event
 * loops; every field is atomic, nothing locks. An endpoint that stays in its cluster across an
 * EDS update keeps its state (and its pooled connections); only its configuration is replaced.
 */
public final class EndpointState {

    private volatile EndpointConfig config;
    private final InetSocketAddress address;
    private final String hostPort;
    final AtomicInteger connections = new AtomicInteger();
    private final LongAdder connectionsTotal = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    private final AtomicInteger activeRequests = new AtomicInteger();
    private final LongAdder requestsTotal = new LongAdder();
    private final LongAdder requestErrors = new LongAdder();
    private final LongAdder requestTimeouts = new LongAdder();
    /** Why the endpoint takes no traffic now, besides its EDS health: bits of {@link #FAILED_ACTIVE_HEALTH_CHECK} and {@link #OUTLIER_EJECTED}. */
    private final AtomicInteger flags = new AtomicInteger();

    /** When the endpoint began its slow start ({@link System#nanoTime}, never 0), or 0 when it is not warming up. */
    private volatile long warmingSince;

    /** The endpoint failed active health checking. */
    public static final int FAILED_ACTIVE_HEALTH_CHECK = 1;
    /** Outlier detection ejected the endpoint. */
    public static final int OUTLIER_EJECTED = 2;
    private final PeakEwma latency = new PeakEwma();

    EndpointState(EndpointConfig config) {
        this.config = config;
        this.address = new InetSocketAddress(config.address(), config.port());
        this.hostPort = config.hostPort();
    }

    /** {@code address:port}, with brackets around an IPv6 address (computed once). */
    public String hostPort() {
        return hostPort;
    }

    /** The configured endpoint: weight, health and priority as last reported. */
    public EndpointConfig config() {
        return config;
    }

    /** An EDS update changed its weight, health, priority or locality; its address stays. */
    void update(EndpointConfig newConfig) {
        if (!newConfig.hostPort().equals(hostPort)) {
            throw new IllegalArgumentException(newConfig.hostPort() + " is not " + hostPort);
        }
        config = newConfig;
    }

    /** The resolved socket address. */
    public InetSocketAddress address() {
        return address;
    }

    /** Open connections to this endpoint, all event loops together. */
    public int activeConnections() {
        return connections.get();
    }

    /** Connections ever opened. */
    public long connectionsTotal() {
        return connectionsTotal.sum();
    }

    /** Failed connection attempts. */
    public long connectFailures() {
        return connectFailures.sum();
    }

    /** Requests in flight. */
    public int activeRequests() {
        return activeRequests.get();
    }

    /** Requests sent. */
    public long requestsTotal() {
        return requestsTotal.sum();
    }

    /** Requests that ended in a 5xx response, a reset, or a malformed response. */
    public long requestErrors() {
        return requestErrors.sum();
    }

    /** Requests that hit their route timeout. */
    public long requestTimeouts() {
        return requestTimeouts.sum();
    }

    /** Peak-sensitive moving average of its response latency, which the peak-EWMA balancer weighs. */
    public PeakEwma latency() {
        return latency;
    }

    /** A connection was established. */
    public void connectionOpened() {
        connectionsTotal.increment();
    }

    /** A connection attempt failed. */
    public void connectFailed() {
        connectFailures.increment();
    }

    /** A request was sent. */
    public void requestStarted() {
        activeRequests.incrementAndGet();
        requestsTotal.increment();
    }

    /**
     * A request ended after {@code latencyNanos} from being sent (response complete, or given up
     * on at a timeout), a round trip that measured the endpoint; see {@link #requestFinished(boolean, boolean)}.
     */
    public void requestFinished(boolean error, boolean timeout, long latencyNanos) {
        requestFinished(error, timeout, latencyNanos, System.nanoTime());
    }

    /** As {@link #requestFinished(boolean, boolean, long)}, the request having ended at {@code nowNanos}. */
    public void requestFinished(boolean error, boolean timeout, long latencyNanos, long nowNanos) {
        latency.observe(latencyNanos, nowNanos);
        requestFinished(error, timeout);
    }

    /**
     * A request ended without a round trip worth timing (reset, malformed response, client gone);
     * {@code error} for a 5xx, reset or malformed response, {@code timeout} for a route timeout.
     */
    public void requestFinished(boolean error, boolean timeout) {
        activeRequests.decrementAndGet();
        if (error) {
            requestErrors.increment();
        }
        if (timeout) {
            requestTimeouts.increment();
        }
    }

    /**
     * Sets or clears {@code flag}; true when that changed it (then the cluster's balancer must be
     * rebuilt: {@code UpstreamCluster.refreshBalancer}).
     */
    public boolean setFlag(int flag, boolean on) {
        while (true) {
            int now = flags.get();
            int next = on ? now | flag : now & ~flag;
            if (next == now) {
                return false;
            }
            if (flags.compareAndSet(now, next)) {
                if (next == 0) {
                    // Back in service: a slow-starting cluster ramps it up again, as Envoy does.
                    markWarming(System.nanoTime());
                }
                return true;
            }
        }
    }

    /** The endpoint starts taking traffic at {@code nanoTime}: slow start counts from there. */
    void markWarming(long nanoTime) {
        warmingSince = nanoTime == 0 ? 1 : nanoTime;
    }

    /** When the endpoint's slow start began, or 0 when it is not (or no longer) warming up. */
    long warmingSince() {
        return warmingSince;
    }

    /** Its slow start is over. */
    void endWarming() {
        warmingSince = 0;
    }

    /** Whether {@code flag} is set. */
    public boolean hasFlag(int flag) {
        return (flags.get() & flag) != 0;
    }

    /** Whether neither active health checking nor outlier detection keeps the endpoint out. */
    public boolean isAvailable() {
        return flags.get() == 0;
    }

    @Override
    public String toString() {
        return hostPort;
    }
}
