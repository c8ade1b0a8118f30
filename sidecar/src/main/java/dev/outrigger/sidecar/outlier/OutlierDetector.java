package dev.outrigger.sidecar.outlier;

import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.metrics.OutlierStats;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive outlier detection for one cluster, as Envoy's: request outcomes reported by the data
 * path ({@link #record}) drive per-endpoint counters; an endpoint that reaches a consecutive-failure
 * threshold is ejected at once, and every {@code interval} the success-rate and failure-percentage
 * algorithms run and ejections that have lasted long enough end. An ejection sets
 * {@link EndpointState#OUTLIER_EJECTED}, which every balancer honours, and rebuilds the balancer.
 *
 * <p>Threads: {@link #record} runs on any event loop and only updates atomics (no lock, no
 * allocation unless a threshold is reached). Every decision runs on one control executor (an
 * event loop of the workers), so ejection state needs no synchronisation.
 */
public final class OutlierDetector {

    private static final Logger log = LoggerFactory.getLogger(OutlierDetector.class);

    /** {@link #record} outcome: the connection attempt failed or timed out. */
    public static final int CONNECT_FAILED = -1;
    /** {@link #record} outcome: the request hit its route timeout. */
    public static final int TIMEOUT = -2;
    /** {@link #record} outcome: the connection was reset or the response was malformed. */
    public static final int RESET = -3;
    /** {@link #record} outcome: a connection was ready for an HTTP request. */
    public static final int CONNECTED = -4;
    /** {@link #record} outcome: a TCP proxy connection was established (nothing runs on top). */
    public static final int CONNECTED_FINAL = -5;

    private final OutlierDetectionConfig config;
    private final String cluster;
    private final Supplier<List<EndpointState>> endpoints;
    private final Runnable refreshBalancer;
    private final OutlierStats stats;
    private final LongSupplier nanoClock;
    private final Executor control;
    private final ConcurrentMap<EndpointState, HostMonitor> monitors = new ConcurrentHashMap<>();
    private volatile boolean stopped;
    private volatile ScheduledFuture<?> timer;
    /** Endpoints this detector has ejected now (control thread). */
    private int ejectedNow;

    /**
     * A detector that is not yet timed; {@link #start} schedules its interval.
     *
     * @param endpoints the cluster's endpoints now (they change with EDS)
     * @param refreshBalancer rebuilds the cluster's balancer after a flag changed
     * @param nanoClock monotonic nanoseconds
     * @param control where every decision runs, one task at a time
     */
    public OutlierDetector(OutlierDetectionConfig config, String cluster, Supplier<List<EndpointState>> endpoints,
            Runnable refreshBalancer, OutlierStats stats, LongSupplier nanoClock, Executor control) {
        this.config = config;
        this.cluster = cluster;
        this.endpoints = endpoints;
        this.refreshBalancer = refreshBalancer;
        this.stats = stats;
        this.nanoClock = nanoClock;
        this.control = control;
    }

    /** Runs {@link #runInterval} every {@code interval} on {@code timers} (which should be the control executor). */
    public void start(ScheduledExecutorService timers) {
        long every = config.interval().toNanos();
        timer = timers.scheduleAtFixedRate(this::runInterval, every, every, TimeUnit.NANOSECONDS);
    }

    /** The cluster retired: no more decisions; its ejected endpoints leave the gauge. */
    public void stop() {
        stopped = true;
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        runOnControl(() -> {
            stats.returned(ejectedNow);
            ejectedNow = 0;
        });
    }

    /** The configuration. */
    public OutlierDetectionConfig config() {
        return config;
    }

    /**
     * Reports how a request to {@code endpoint} ended: an HTTP status (100..599) the endpoint
     * answered, or one of {@link #CONNECT_FAILED}, {@link #TIMEOUT}, {@link #RESET},
     * {@link #CONNECTED}, {@link #CONNECTED_FINAL}. Any thread; lock-free.
     */
    public void record(EndpointState endpoint, int outcome) {
        HostMonitor m = monitors.get(endpoint);
        if (m == null) {
            m = monitors.computeIfAbsent(endpoint, HostMonitor::new);
        }
        if (outcome >= 100) {
            httpStatus(m, outcome);
        } else if (config.splitExternalLocalOriginErrors()) {
            if (outcome == CONNECTED || outcome == CONNECTED_FINAL) {
                m.localTally.addAndGet(HostMonitor.REQUEST | HostMonitor.SUCCESS);
                HostMonitor.resetIfSet(m.consecutiveLocalOriginFailure);
            } else {
                m.localTally.addAndGet(HostMonitor.REQUEST);
                if (m.consecutiveLocalOriginFailure.incrementAndGet() == config.consecutiveLocalOriginFailure()) {
                    detectedOnControl(m, EjectionType.CONSECUTIVE_LOCAL_ORIGIN_FAILURE);
                }
            }
        } else if (outcome == CONNECTED_FINAL) {
            httpStatus(m, 200);
        } else if (outcome == TIMEOUT) {
            httpStatus(m, 504);
        } else if (outcome == CONNECT_FAILED || outcome == RESET) {
            httpStatus(m, 503);
        }
        // CONNECTED without the split: the response will tell.
    }

    private void httpStatus(HostMonitor m, int status) {
        if (status >= 500 && status < 600) {
            m.externalTally.addAndGet(HostMonitor.REQUEST);
            if (status >= 502 && status <= 504) {
                if (m.consecutiveGatewayFailure.incrementAndGet() == config.consecutiveGatewayFailure()) {
                    detectedOnControl(m, EjectionType.CONSECUTIVE_GATEWAY_FAILURE);
                }
            } else {
                HostMonitor.resetIfSet(m.consecutiveGatewayFailure);
            }
            if (m.consecutive5xx.incrementAndGet() == config.consecutive5xx()) {
                detectedOnControl(m, EjectionType.CONSECUTIVE_5XX);
            }
        } else {
            m.externalTally.addAndGet(HostMonitor.REQUEST | HostMonitor.SUCCESS);
            HostMonitor.resetIfSet(m.consecutive5xx);
            HostMonitor.resetIfSet(m.consecutiveGatewayFailure);
        }
    }

    private void detectedOnControl(HostMonitor m, EjectionType type) {
        runOnControl(() -> consecutiveFailure(m, type));
    }

    private void runOnControl(Runnable task) {
        try {
            control.execute(task);
        } catch (RejectedExecutionException e) {
            // Shutting down: nothing left to decide.
        }
    }

    /** A consecutive-failure counter reached its threshold (control thread). */
    void consecutiveFailure(HostMonitor m, EjectionType type) {
        if (stopped || !endpoints.get().contains(m.endpoint)) {
            return; // the endpoint left the cluster meanwhile
        }
        // Reset so that another run of failures is seen even without an interval in between.
        AtomicInteger counter = type == EjectionType.CONSECUTIVE_5XX ? m.consecutive5xx
                : type == EjectionType.CONSECUTIVE_GATEWAY_FAILURE ? m.consecutiveGatewayFailure
                : m.consecutiveLocalOriginFailure;
        counter.set(0);
        stats.detected(type.tag());
        eject(m, type);
    }

    /** Ejects {@code m}'s endpoint for {@code type} if max_ejection_percent and enforcing_* allow (control thread). */
    private void eject(HostMonitor m, EjectionType type) {
        if (m.ejected) {
            return;
        }
        int total = endpoints.get().size();
        if (ejectedNow > 0 && 100.0 * (ejectedNow + 1) / total > config.maxEjectionPercent()) {
            log.debug("cluster {}: {} is an outlier ({}) but max_ejection_percent {} is reached", cluster,
                    m.endpoint, type.tag(), config.maxEjectionPercent());
            return;
        }
        int enforcing = type.enforcing(config);
        if (enforcing < 100 && (enforcing <= 0 || ThreadLocalRandom.current().nextInt(100) >= enforcing)) {
            log.debug("cluster {}: {} is an outlier ({}), not enforced", cluster, m.endpoint, type.tag());
            return;
        }
        long base = config.baseEjectionTime().toNanos();
        long cap = config.ejectionCap().toNanos();
        if ((long) m.backoff * base < cap + base) {
            m.backoff++;
        }
        m.ejected = true;
        m.timesEjected++;
        m.ejectedAtNanos = nanoClock.getAsLong();
        m.ejectionNanos = Math.min(base * m.backoff, cap);
        ejectedNow++;
        stats.ejected(type.tag());
        if (m.endpoint.setFlag(EndpointState.OUTLIER_EJECTED, true)) {
            refreshBalancer.run();
        }
        log.info("outlier detection: ejected endpoint {} of cluster {} ({}) for {}", m.endpoint, cluster,
                type.tag(), Duration.ofNanos(m.ejectionNanos));
    }

    private void uneject(HostMonitor m, long now) {
        m.ejected = false;
        m.unejectedAtNanos = now;
        ejectedNow--;
        stats.returned(1);
        if (m.endpoint.setFlag(EndpointState.OUTLIER_EJECTED, false)) {
            refreshBalancer.run();
        }
        log.info("outlier detection: endpoint {} of cluster {} is back after {}", m.endpoint, cluster,
                Duration.ofNanos(now - m.ejectedAtNanos));
    }

    /**
     * One interval (control thread): ends ejections that have lasted their time, lowers the
     * ejection multiplier of endpoints quiet for an interval, closes the interval's tallies and
     * runs the success-rate and failure-percentage algorithms over them.
     */
    public void runInterval() {
        if (stopped) {
            return;
        }
        long now = nanoClock.getAsLong();
        List<EndpointState> current = endpoints.get();
        Set<EndpointState> present = Collections.newSetFromMap(new IdentityHashMap<>());
        present.addAll(current);
        for (HostMonitor gone : monitors.values()) {
            if (!present.contains(gone.endpoint)) {
                monitors.remove(gone.endpoint, gone);
                if (gone.ejected) {
                    ejectedNow--;
                    stats.returned(1);
                }
            }
        }
        HostMonitor[] hosts = new HostMonitor[current.size()];
        for (int i = 0; i < hosts.length; i++) {
            HostMonitor m = monitors.computeIfAbsent(current.get(i), HostMonitor::new);
            hosts[i] = m;
            if (m.ejected) {
                if (now - m.ejectedAtNanos >= m.ejectionNanos) {
                    uneject(m, now);
                }
            } else if (m.backoff > 0 && m.unejectedAtNanos != Long.MIN_VALUE
                    && now - m.unejectedAtNanos >= config.interval().toNanos()) {
                m.backoff--;
            }
            m.closeInterval();
        }
        successRateAndFailurePercentage(hosts, false);
        if (config.splitExternalLocalOriginErrors()) {
            successRateAndFailurePercentage(hosts, true);
        }
    }

    private void successRateAndFailurePercentage(HostMonitor[] hosts, boolean local) {
        int n = hosts.length;
        if (n < config.successRateMinimumHosts() && n < config.failurePercentageMinimumHosts()) {
            return;
        }
        long srVolume = Math.max(config.successRateRequestVolume(), 1);
        long fpVolume = Math.max(config.failurePercentageRequestVolume(), 1);
        HostMonitor[] srHosts = new HostMonitor[n];
        double[] srRates = new double[n];
        int srCount = 0;
        HostMonitor[] fpHosts = new HostMonitor[n];
        double[] fpRates = new double[n];
        int fpCount = 0;
        for (HostMonitor m : hosts) {
            if (m.ejected) {
                continue;
            }
            long tally = local ? m.lastLocal : m.lastExternal;
            long requests = HostMonitor.requests(tally);
            double rate = HostMonitor.successRate(tally);
            if (requests >= srVolume) {
                srHosts[srCount] = m;
                srRates[srCount++] = rate;
            }
            if (requests >= fpVolume) {
                fpHosts[fpCount] = m;
                fpRates[fpCount++] = rate;
            }
        }
        if (srCount > 0 && srCount >= config.successRateMinimumHosts()) {
            double threshold = SuccessRateMath.threshold(srRates, srCount, config.successRateStdevFactor());
            EjectionType type = local ? EjectionType.SUCCESS_RATE_LOCAL_ORIGIN : EjectionType.SUCCESS_RATE;
            for (int i = 0; i < srCount; i++) {
                if (srRates[i] < threshold) {
                    stats.detected(type.tag());
                    eject(srHosts[i], type);
                }
            }
        }
        if (fpCount > 0 && fpCount >= config.failurePercentageMinimumHosts()) {
            EjectionType type = local ? EjectionType.FAILURE_PERCENTAGE_LOCAL_ORIGIN : EjectionType.FAILURE_PERCENTAGE;
            for (int i = 0; i < fpCount; i++) {
                if (100.0 - fpRates[i] >= config.failurePercentageThreshold()) {
                    stats.detected(type.tag());
                    eject(fpHosts[i], type);
                }
            }
        }
    }

    /** Times {@code endpoint} was ejected by this detector (for tests and diagnostics; control thread). */
    int timesEjected(EndpointState endpoint) {
        HostMonitor m = monitors.get(endpoint);
        return m == null ? 0 : m.timesEjected;
    }

    /** How long {@code endpoint}'s current or last ejection lasts (control thread). */
    Duration ejectionTime(EndpointState endpoint) {
        HostMonitor m = monitors.get(endpoint);
        return m == null ? Duration.ZERO : Duration.ofNanos(m.ejectionNanos);
    }
}
