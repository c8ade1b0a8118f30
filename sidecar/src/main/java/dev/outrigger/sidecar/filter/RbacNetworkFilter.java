package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.rbac.RbacConfig;
import dev.outrigger.sidecar.rbac.RbacEngine;

/**
 * Envoy's network RBAC filter (enforced once per connection, when its filter chain is chosen):
 * a denied connection is closed before any byte is proxied. Header and path rules never match
 * here (there is no request).
 */
public final class RbacNetworkFilter implements NetworkFilter {

    private final RbacConfig config;
    private final RbacStats stats;

    public RbacNetworkFilter(String name, RbacConfig config, FilterEnvironment environment) {
        this.config = config;
        this.stats = new RbacStats(environment, name, config.statPrefix());
    }

    @Override
    public String onConnection(ConnectionContext connection) {
        RbacEngine.Decision shadow = config.shadow(connection);
        if (shadow != null) {
            stats.count(shadow.allowed() ? RbacStats.Outcome.SHADOW_ALLOWED : RbacStats.Outcome.SHADOW_DENIED,
                    shadow.matchedPolicy());
        }
        if (config.rules() == null) {
            return null;
        }
        RbacEngine.Decision decision = config.enforce(connection);
        if (decision.allowed()) {
            stats.count(RbacStats.Outcome.ALLOWED, decision.matchedPolicy());
            return null;
        }
        stats.count(RbacStats.Outcome.DENIED, decision.matchedPolicy());
        return "rbac_denied" + (decision.matchedPolicy() == null ? " (no policy allows it)"
                : " by policy " + decision.matchedPolicy());
    }
}
