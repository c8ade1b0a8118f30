package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.upstream.ClusterManager;
import io.lettuce.core.resource.ClientResources;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;

/**
 * What filters that call other services (a rate limit service, Redis) share with the process.
 */
public interface FilterServices {

    /** The running clusters: a service reached through a cluster finds its endpoints here. */
    ClusterManager clusters();

    /** The event loops clients of other services use, or null for their own threads. */
    EventLoopGroup eventLoops();

    /** The channel type for {@link #eventLoops()}, or null. */
    Class<? extends Channel> channelType();

    /** The threads every Redis client of the process shares. */
    ClientResources redisResources();
}
