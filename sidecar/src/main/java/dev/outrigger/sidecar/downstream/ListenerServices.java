package dev.outrigger.sidecar.downstream;

import dev.outrigger.sidecar.accesslog.AccessLogSinks;
import dev.outrigger.sidecar.ratelimit.global.RedisRateLimitService;
import dev.outrigger.sidecar.upstream.ClusterManager;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Objects;

/**
 * What every listener's filters and access logs share with the rest of the process: the meter
 * registry, this sidecar's service cluster, the running clusters, the event loops (for clients
 * of other services, such as a rate limit service), the access log sinks, and, made on first
 * use, the threads of Redis clients. One per process; {@link #close} after the last listener
 * has released what it built.
 */
public final class ListenerServices implements dev.outrigger.sidecar.filter.FilterServices, AutoCloseable {

    private static final Duration REDIS_SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private final MeterRegistry registry;
    private final String serviceCluster;
    private final ClusterManager clusters;
    private final EventLoopGroup eventLoops;
    private final Class<? extends Channel> channelType;
    private final AccessLogSinks accessLogSinks;
    private ClientResources redis;
    private boolean closed;

    /**
     * Services of a process.
     *
     * @param eventLoops where clients of other services run, with their {@code channelType};
     *     both null for those clients' own threads
     */
    public ListenerServices(MeterRegistry registry, String serviceCluster, ClusterManager clusters,
            EventLoopGroup eventLoops, Class<? extends Channel> channelType) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.serviceCluster = Objects.requireNonNull(serviceCluster, "serviceCluster");
        this.clusters = Objects.requireNonNull(clusters, "clusters");
        if ((eventLoops == null) != (channelType == null)) {
            throw new IllegalArgumentException("give both an event loop group and a channel type, or neither");
        }
        this.eventLoops = eventLoops;
        this.channelType = channelType;
        this.accessLogSinks = new AccessLogSinks(registry);
    }

    /** Where counters go. */
    public MeterRegistry registry() {
        return registry;
    }

    /** This sidecar's service cluster ({@code node.cluster}), "" when unset. */
    public String serviceCluster() {
        return serviceCluster;
    }

    /** The running clusters. */
    @Override
    public ClusterManager clusters() {
        return clusters;
    }

    /** The event loops clients of other services use, or null for their own threads. */
    @Override
    public EventLoopGroup eventLoops() {
        return eventLoops;
    }

    /** The channel type for {@link #eventLoops()}, or null. */
    @Override
    public Class<? extends Channel> channelType() {
        return channelType;
    }

    /** The process's access log sinks. */
    public AccessLogSinks accessLogSinks() {
        return accessLogSinks;
    }

    /** The threads every Redis client of the process shares, started on the first call. */
    @Override
    public synchronized ClientResources redisResources() {
        if (closed) {
            throw new IllegalStateException("the sidecar is shutting down");
        }
        if (redis == null) {
            redis = RedisRateLimitService.newClientResources();
        }
        return redis;
    }

    /** Stops the Redis threads and closes the access log sinks (writing out what is queued). */
    @Override
    public void close() {
        ClientResources r;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            r = redis;
        }
        if (r != null) {
            RedisRateLimitService.shutdownClientResources(r, REDIS_SHUTDOWN_TIMEOUT.toMillis());
        }
        accessLogSinks.close();
    }
}
