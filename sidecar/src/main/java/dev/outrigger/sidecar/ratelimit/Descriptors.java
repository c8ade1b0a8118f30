package dev.outrigger.sidecar.ratelimit;

import java.util.ArrayList;
import java.util.List;

/** Builds the rate limit descriptors of one request from rate limit rules. */
public final class Descriptors {

    private Descriptors() {
    }

    /**
     * The descriptors every rule in {@code rules} produces for this request, in rule order: a
     * list the caller owns, or an immutable empty one.
     */
    public static List<Descriptor> of(List<RateLimitRule> rules, RateLimitInput input) {
        return result(collect(rules, -1, input, null));
    }

    /**
     * The descriptors for a filter of {@code stage}: those of the rules of that stage that have no
     * {@code disable_key}, in rule order.
     */
    public static List<Descriptor> of(List<RateLimitRule> rules, int stage, RateLimitInput input) {
        return result(collect(rules, stage, input, null));
    }

    /**
     * The descriptors of a route, as Envoy's rate limit filters build them: the route's rules of
     * {@code stage}, then the virtual host's rules of that stage when {@code virtualHost} says so
     * ({@code OVERRIDE}: only when the route has no rules; a route's {@code include_vh_rate_limits}
     * is {@code INCLUDE}).
     */
    public static List<Descriptor> ofRoute(List<RateLimitRule> routeRules, List<RateLimitRule> virtualHostRules,
            LocalRateLimitConfig.VirtualHostRateLimits virtualHost, int stage, RateLimitInput input) {
        ArrayList<Descriptor> out = collect(routeRules, stage, input, null);
        boolean withVirtualHost = switch (virtualHost) {
            case INCLUDE -> true;
            case OVERRIDE -> routeRules.isEmpty();
            case IGNORE -> false;
        };
        if (withVirtualHost) {
            out = collect(virtualHostRules, stage, input, out);
        }
        return result(out);
    }

    /**
     * Adds the descriptors of {@code rules} (all of them when {@code stage} is negative, else those
     * that {@link RateLimitRule#appliesAt apply at} it) to {@code out}, which is created on the
     * first descriptor so that a request producing none allocates nothing; returns {@code out}.
     */
    static ArrayList<Descriptor> collect(List<RateLimitRule> rules, int stage, RateLimitInput input,
            ArrayList<Descriptor> out) {
        for (int i = 0; i < rules.size(); i++) {
            RateLimitRule rule = rules.get(i);
            if (stage >= 0 && !rule.appliesAt(stage)) {
                continue;
            }
            Descriptor d = rule.describe(input);
            if (d != null) {
                if (out == null) {
                    out = new ArrayList<>(rules.size() - i);
                }
                out.add(d);
            }
        }
        return out;
    }

    static List<Descriptor> result(ArrayList<Descriptor> collected) {
        return collected == null ? List.of() : collected;
    }
}
