package dev.outrigger.sidecar.route;

import dev.outrigger.sidecar.ratelimit.RateLimitRule;
import java.util.List;

/**
 * A route's or virtual host's {@code rate_limits}: the rules that turn a request into rate-limit
 * descriptors for the rate-limit filters.
 *
 * @param rules the rules, in order
 * @param includeVirtualHost a route's {@code include_vh_rate_limits}: its virtual host's rules
 *     count too (always false on a virtual host)
 */
public record RateLimitRules(List<RateLimitRule> rules, boolean includeVirtualHost) {

    /** No rules. */
    public static final RateLimitRules NONE = new RateLimitRules(List.of(), false);

    public RateLimitRules {
        rules = List.copyOf(rules);
    }
}
