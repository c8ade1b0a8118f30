package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.rbac.RbacConfig;
import dev.outrigger.sidecar.rbac.RbacEngine;
import java.util.List;

/**
 * Envoy's HTTP RBAC filter: shadow rules are evaluated and counted, the enforced rules decide. A
 * denied request gets 403 with {@code x-outrigger-error: rbac_denied} (gRPC: PERMISSION_DENIED);
 * the deciding policy is recorded as the request's {@code rbac_policy} (and {@code
 * rbac_shadow_policy}) decision. A route's {@code RBACPerRoute} replaces the filter's rules.
 */
public final class RbacHttpFilter implements HttpFilter {

    /** The reply to a denied request. */
    static final FilterResult.Reply DENIED = new FilterResult.Reply(403, "rbac_denied", "RBAC: access denied", 7,
            List.of());

    private final RbacConfig config;
    private final RbacStats stats;

    public RbacHttpFilter(String name, RbacConfig config, FilterEnvironment environment) {
        this.config = config;
        this.stats = new RbacStats(environment, name, config.statPrefix().isEmpty() ? environment.statPrefix()
                : environment.statPrefix() + "." + config.statPrefix());
    }

    @Override
    public FilterResult onRequest(FilterContext request, Object perRoute) {
        RbacConfig c = perRoute instanceof RbacConfig override ? override : config;
        RbacEngine.Decision shadow = c.shadow(request);
        if (shadow != null) {
            stats.count(shadow.allowed() ? RbacStats.Outcome.SHADOW_ALLOWED : RbacStats.Outcome.SHADOW_DENIED,
                    shadow.matchedPolicy());
            if (shadow.matchedPolicy() != null) {
                request.note("rbac_shadow_policy", shadow.matchedPolicy());
            }
        }
        if (c.rules() == null) {
            return FilterResult.CONTINUE;
        }
        RbacEngine.Decision decision = c.enforce(request);
        if (decision.matchedPolicy() != null) {
            request.note("rbac_policy", decision.matchedPolicy());
        }
        if (decision.allowed()) {
            stats.count(RbacStats.Outcome.ALLOWED, decision.matchedPolicy());
            return FilterResult.CONTINUE;
        }
        stats.count(RbacStats.Outcome.DENIED, decision.matchedPolicy());
        return DENIED;
    }
}
