package dev.outrigger.sidecar.health;

import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.cluster.HealthCheckConfig;
import dev.outrigger.sidecar.metrics.HealthCheckStats;
import dev.outrigger.sidecar.upstream.UpstreamCluster;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checking of one running cluster ({@code health_checks}): every endpoint is
 * probed by every configured check on a worker event loop, and an endpoint that fails a check
 * gets {@link EndpointState#FAILED_ACTIVE_HEALTH_CHECK}, which takes it out of the balancer until
 * every check passes it again.
 *
 * <p>Endpoints start available. A check marks its endpoint failed after
 * {@code unhealthy_threshold} consecutive network failures (refused or reset connection,
 * timeout), or at once when the endpoint answers negatively (an unexpected, non-retriable HTTP
 * status, gRPC NOT_SERVING); it passes it again after {@code healthy_threshold} consecutive
 * successes. All checks of one endpoint run on one event loop, so its state needs no lock.
 *
 * <p>Created when the cluster is created, {@link #syncEndpoints} after each EDS update (new
 * endpoints are probed from then on, removed ones no more), {@link #close}d when the cluster retires.
 */
public final class HealthChecker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final UpstreamCluster cluster;
    private final EventLoopGroup loops;
    private final HealthCheckStats stats;
    private final IntSupplier failedCount;
    private final Map<EndpointState, EndpointChecks> checked = new IdentityHashMap<>();
    private boolean closed;

    /** A checker of {@code cluster}'s endpoints on {@code loops}; nothing runs until {@link #start}. */
    public HealthChecker(UpstreamCluster cluster, EventLoopGroup loops, HealthCheckStats stats) {
        this.cluster = cluster;
        this.loops = loops;
        this.stats = stats;
        this.failedCount = () -> (int) cluster.endpoints().stream()
                .filter(e -> e.hasFlag(EndpointState.FAILED_ACTIVE_HEALTH_CHECK)).count();
    }

    /** Starts probing every endpoint. */
    public void start() {
        stats.failedEndpoints(failedCount);
        syncEndpoints();
    }

    /** Starts probing endpoints new to the cluster and stops probing those it no longer has. */
    public synchronized void syncEndpoints() {
        if (closed) {
            return;
        }
        List<EndpointState> now = cluster.endpoints();
        Map<EndpointState, Boolean> present = new IdentityHashMap<>();
        for (EndpointState e : now) {
            present.put(e, Boolean.TRUE);
        }
        checked.entrySet().removeIf(entry -> {
            if (!present.containsKey(entry.getKey())) {
                entry.getValue().stop();
                return true;
            }
            return false;
        });
        for (EndpointState e : now) {
            if (!checked.containsKey(e)) {
                EndpointChecks checks = new EndpointChecks(e, loops.next());
                checked.put(e, checks);
                checks.start();
            }
        }
    }

    /** Stops every probe; probes under way are abandoned (their connections closed). */
    @Override
    public synchronized void close() {
        closed = true;
        checked.values().forEach(EndpointChecks::stop);
        checked.clear();
        stats.clearFailedEndpoints(failedCount);
    }

    /** Every check of one endpoint, confined to one event loop. */
    private final class EndpointChecks {
        final EndpointState endpoint;
        final EventLoop loop;
        final Session[] sessions;
        volatile boolean stopped;

        EndpointChecks(EndpointState endpoint, EventLoop loop) {
            this.endpoint = endpoint;
            this.loop = loop;
            List<HealthCheckConfig> configs = cluster.config().healthChecks();
            this.sessions = new Session[configs.size()];
            for (int i = 0; i < sessions.length; i++) {
                sessions[i] = new Session(this, configs.get(i));
            }
        }

        void start() {
            onLoop(() -> {
                for (Session s : sessions) {
                    s.schedule(Intervals.initialDelay(s.config));
                }
            });
        }

        void stop() {
            stopped = true;
            onLoop(() -> {
                for (Session s : sessions) {
                    s.cancel();
                }
            });
        }

        // The loops stop with the process; by then there is nothing left to probe or cancel.
        private void onLoop(Runnable task) {
            try {
                loop.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                stopped = true;
            }
        }

        /** A check changed its verdict: the endpoint is failed while any check fails it. */
        void verdictChanged(Session by, String reason) {
            boolean failed = false;
            for (Session s : sessions) {
                failed |= s.failed;
            }
            if (stopped || !endpoint.setFlag(EndpointState.FAILED_ACTIVE_HEALTH_CHECK, failed)) {
                return;
            }
            cluster.refreshBalancer();
            if (failed) {
                log.info("health check: endpoint {} of cluster {} failed ({}), taken out of load balancing",
                        endpoint.hostPort(), cluster.name(), reason);
            } else {
                log.info("health check: endpoint {} of cluster {} passed {} consecutive checks, back in load balancing",
                        endpoint.hostPort(), cluster.name(), by.config.healthyThreshold());
            }
        }
    }

    /** One check of one endpoint: Envoy's per-host session with its counters. */
    private final class Session implements ProbeOutcome.Listener {
        final EndpointChecks owner;
        final HealthCheckConfig config;
        boolean failed;
        int consecutiveSuccesses;
        int consecutiveFailures;
        /** Whether the last result changed the verdict (the next interval is an edge interval). */
        boolean edge;
        io.netty.util.concurrent.ScheduledFuture<?> next;
        ProbeOutcome running;

        Session(EndpointChecks owner, HealthCheckConfig config) {
            this.owner = owner;
            this.config = config;
        }

        void schedule(long delayNanos) {
            if (owner.stopped) {
                return;
            }
            next = owner.loop.schedule(this::probe, delayNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }

        void cancel() {
            if (next != null) {
                next.cancel(false);
            }
            if (running != null) {
                running.fail("stopped", false);
            }
        }

        private void probe() {
            if (owner.stopped) {
                return;
            }
            ProbeOutcome outcome = new ProbeOutcome(this);
            running = outcome;
            outcome.timeout(owner.loop.schedule(
                    () -> outcome.fail("timed out after " + config.timeout().toMillis() + " ms", false),
                    config.timeout().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS));
            try {
                Probes.start(config.probe(), cluster, owner.loop, owner.endpoint, config.timeout(), outcome);
            } catch (RuntimeException e) {
                outcome.fail("could not start: " + Probes.describe(e), false);
            }
        }

        @Override
        public void decided(boolean success, String reason, boolean immediate) {
            running = null;
            if (owner.stopped) {
                return;
            }
            stats.result(success);
            edge = false;
            if (success) {
                consecutiveFailures = 0;
                if (failed && ++consecutiveSuccesses >= config.healthyThreshold()) {
                    failed = false;
                    consecutiveSuccesses = 0;
                    edge = true;
                    owner.verdictChanged(this, reason);
                }
            } else {
                consecutiveSuccesses = 0;
                if (!failed && (immediate || ++consecutiveFailures >= config.unhealthyThreshold())) {
                    failed = true;
                    consecutiveFailures = 0;
                    edge = true;
                    owner.verdictChanged(this, reason);
                }
                log.debug("health check of {} in cluster {} failed: {}", owner.endpoint, cluster.name(), reason);
            }
            schedule(Intervals.next(config, failed, edge));
        }
    }
}
