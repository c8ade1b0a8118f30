package dev.outrigger.sidecar.rbac;

import java.util.Objects;

/**
 * The configuration of an RBAC filter (HTTP or network), or of one route's override
 * ({@code RBACPerRoute}), parsed once and shared by every request.
 *
 * <p>A route's override replaces the filter's configuration for that route entirely, enforced
 * and shadow rules alike; an {@code RBACPerRoute} without {@code rbac} is {@link #DISABLED}, as
 * in Envoy.
 *
 * @param rules the enforced rule set, or null when nothing is enforced (every caller allowed);
 *     present with no policies and action ALLOW, it denies everyone
 * @param shadowRules a rule set evaluated for stats and logs only, never enforced; or null
 * @param statPrefix the network filter's {@code stat_prefix} (never empty there), or the HTTP
 *     filter's {@code rules_stat_prefix} ("" when unset)
 * @param shadowRulesStatPrefix {@code shadow_rules_stat_prefix}, "" when unset
 */
public record RbacConfig(RbacEngine rules, RbacEngine shadowRules, String statPrefix, String shadowRulesStatPrefix) {

    /** No rules and no shadow rules: every caller is allowed and nothing is recorded. */
    public static final RbacConfig DISABLED = new RbacConfig(null, null, "", "");

    /** The decision when nothing is enforced. */
    private static final RbacEngine.Decision UNENFORCED = new RbacEngine.Decision(true, null);

    public RbacConfig {
        Objects.requireNonNull(statPrefix, "statPrefix");
        Objects.requireNonNull(shadowRulesStatPrefix, "shadowRulesStatPrefix");
    }

    /** The enforced decision on {@code input}: allowed with no matched policy when there are no rules. */
    public RbacEngine.Decision enforce(RbacInput input) {
        return rules == null ? UNENFORCED : rules.evaluate(input);
    }

    /** The shadow decision on {@code input}, or null when there are no shadow rules. */
    public RbacEngine.Decision shadow(RbacInput input) {
        return shadowRules == null ? null : shadowRules.evaluate(input);
    }
}
