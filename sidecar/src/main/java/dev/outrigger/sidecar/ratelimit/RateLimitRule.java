package dev.outrigger.sidecar.ratelimit;

import java.util.List;
import java.util.Objects;

/**
 * One entry of a route's or virtual host's {@code rate_limits} ({@code envoy.config.route.v3.RateLimit}):
 * its actions, in order, each append one entry to a descriptor. If any action cannot (and is not
 * told to skip itself), the rule produces no descriptor for the request.
 *
 * @param stage the filter stage the rule is for, 0 to 10 ({@code stage}, default 0); a filter
 *     uses only the rules of its own stage
 * @param disableKey Envoy's {@code disable_key}, "" when unset. Outrigger has no runtime, and
 *     Envoy's local rate limit filter skips every rule that names one, so such a rule never applies
 * @param actions the actions, at least one
 */
public record RateLimitRule(int stage, String disableKey, List<RateLimitAction> actions) {

    /** The highest stage Envoy allows. */
    public static final int MAX_STAGE = 10;

    public RateLimitRule {
        if (stage < 0 || stage > MAX_STAGE) {
            throw new IllegalArgumentException("stage must be 0 to " + MAX_STAGE + ", got " + stage);
        }
        Objects.requireNonNull(disableKey, "disableKey");
        actions = List.copyOf(actions);
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("a rate limit rule needs at least one action");
        }
    }

    /** A stage-0 rule without a disable key. */
    public static RateLimitRule of(RateLimitAction... actions) {
        return new RateLimitRule(0, "", List.of(actions));
    }

    /** True when a filter of {@code filterStage} uses this rule. */
    public boolean appliesAt(int filterStage) {
        return stage == filterStage && disableKey.isEmpty();
    }

    /**
     * The descriptor for this request, or null when an action cannot produce its entry (or every
     * action skipped itself: an empty descriptor matches nothing).
     */
    public Descriptor describe(RateLimitInput input) {
        DescriptorEntry[] entries = new DescriptorEntry[actions.size()];
        int n = 0;
        for (int i = 0; i < entries.length; i++) {
            RateLimitAction action = actions.get(i);
            DescriptorEntry e = action.entry(input);
            if (e != null) {
                entries[n++] = e;
            } else if (!action.skipIfAbsent()) {
                return null;
            }
        }
        return n == 0 ? null : Descriptor.adopt(entries, n);
    }
}
