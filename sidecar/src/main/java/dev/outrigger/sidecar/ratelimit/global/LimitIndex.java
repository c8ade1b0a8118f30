package dev.outrigger.sidecar.ratelimit.global;

import dev.outrigger.sidecar.ratelimit.Descriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the limit a request descriptor is counted against, as the local rate limit does: the limit
 * of the very same descriptor, else the first limit (in configuration order) whose empty values
 * let it cover the request's, else none.
 */
final class LimitIndex {

    private final Map<Descriptor, RedisLimit> exact = new HashMap<>();
    private final List<RedisLimit> wildcards = new ArrayList<>();

    LimitIndex(List<RedisLimit> limits) {
        for (RedisLimit limit : limits) {
            if (limit.descriptor().isWildcard()) {
                wildcards.add(limit);
            } else {
                exact.putIfAbsent(limit.descriptor(), limit);
            }
        }
    }

    /** The limit for {@code request}, or null when it has none. */
    RedisLimit find(Descriptor request) {
        RedisLimit limit = exact.get(request);
        if (limit != null) {
            return limit;
        }
        for (RedisLimit w : wildcards) {
            if (w.descriptor().covers(request)) {
                return w;
            }
        }
        return null;
    }
}
