package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.ratelimit.ConnectionRateLimiter;

/**
 * Envoy's network local rate limit filter: one token per new connection from a bucket shared by
 * the whole filter chain; with none left the connection is closed before any byte is proxied.
 */
public final class LocalRateLimitNetworkFilter implements NetworkFilter {

    private final ConnectionRateLimiter limiter;
    private final RateLimitStats stats;

    public LocalRateLimitNetworkFilter(String name, ConnectionRateLimiter limiter, FilterEnvironment environment) {
        this.limiter = limiter;
        this.stats = new RateLimitStats(environment, name, limiter.config().statPrefix());
    }

    @Override
    public String onConnection(ConnectionContext connection) {
        if (limiter.tryAcceptConnection()) {
            stats.count(RateLimitStats.Outcome.OK, null);
            return null;
        }
        stats.count(RateLimitStats.Outcome.OVER_LIMIT, null);
        return "local_rate_limited (no connection token left)";
    }
}
