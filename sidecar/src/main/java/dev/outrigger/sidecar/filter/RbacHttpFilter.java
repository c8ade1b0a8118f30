package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.rbac.RbacConfig;
import dev.outrigger.sidecar.rbac.RbacEngine;
import java.util.List;

/**
 * Envoy's HTTP RBAC filter: shadow rules are evaluated and counted, the enforced rules decide. A
 * denied request gets 403 with {@code x-outrigger-error: rbac_denied} (gRPC: PERMISSION_DENIED);
 * the deciding policy is recorded as Envoy records it, in the dynamic metadata namespace
 * {@code envoy.filters.http.rbac}: {@code enforced_effective_policy_id},
 * {@code enforced_engine_result}, {@code shadow_effective_policy_id}, {@code shadow_engine_result};
 * with action LOG, {@code envoy.common:access_log_hint} says whether a policy matched.
 * A route's {@code RBACPerRoute} replaces the filter's rules.
 */
public final class RbacHttpFilter implements HttpFilter {

    /** Where decisions are recorded as dynamic metadata, as Envoy's RBAC filter does. */
    static final String NAMESPACE = "envoy.filters.http.rbac";

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
                request.note(NAMESPACE, "shadow_effective_policy_id", shadow.matchedPolicy());
            }
            request.note(NAMESPACE, "shadow_engine_result", shadow.allowed() ? "allowed" : "denied");
        }
        if (c.rules() == null) {
            return FilterResult.CONTINUE;
        }
        RbacEngine.Decision decision = c.enforce(request);
        if (decision.matchedPolicy() != null) {
            request.note(NAMESPACE, "enforced_effective_policy_id", decision.matchedPolicy());
        }
        request.note(NAMESPACE, "enforced_engine_result", decision.allowed() ? "allowed" : "denied");
        if (c.rules().action() == dev.outrigger.sidecar.rbac.RbacAction.LOG) {
            // As Envoy: a LOG policy that matched asks the access log to keep the request.
            request.note(dev.outrigger.sidecar.accesslog.MetadataKeys.COMMON, dev.outrigger.sidecar.accesslog.MetadataKeys
                    .ACCESS_LOG_HINT, decision.matchedPolicy() != null ? "true" : "false");
        }
        if (decision.allowed()) {
            stats.count(RbacStats.Outcome.ALLOWED, decision.matchedPolicy());
            return FilterResult.CONTINUE;
        }
        stats.count(RbacStats.Outcome.DENIED, decision.matchedPolicy());
        return DENIED;
    }
}
