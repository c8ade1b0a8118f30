package dev.outrigger.sidecar.config;

import com.google.protobuf.Any;
import dev.outrigger.sidecar.rbac.Permission;
import dev.outrigger.sidecar.rbac.Policy;
import dev.outrigger.sidecar.rbac.Principal;
import dev.outrigger.sidecar.rbac.RbacAction;
import dev.outrigger.sidecar.rbac.RbacConfig;
import dev.outrigger.sidecar.rbac.RbacEngine;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Translates the configuration of Envoy's RBAC filters: the HTTP filter
 * ({@code envoy.filters.http.rbac}) and its per-route override, and the network filter
 * ({@code envoy.filters.network.rbac}). Policies are evaluated in lexicographic order of their
 * names, as Envoy documents for {@code RBAC.policies}.
 */
final class RbacTranslator {

    /** The name Envoy gives the HTTP RBAC filter. */
    static final String HTTP_FILTER = "envoy.filters.http.rbac";
    /** The name Envoy gives the network RBAC filter. */
    static final String NETWORK_FILTER = "envoy.filters.network.rbac";

    /** Byte-wise order of the UTF-8 names: Envoy keeps policies in a map sorted by their bytes. */
    private static final Comparator<String> NAME_ORDER =
            Comparator.comparing(name -> name.getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned);

    private RbacTranslator() {
    }

    /** The HTTP filter's {@code typed_config}, found at {@code path}. */
    static RbacConfig httpFilter(Any typedConfig, FieldPath path) throws ResourceInvalidException {
        return http(ConfigValues.unpack(typedConfig,
                io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.class, path), path);
    }

    /** The HTTP filter's configuration, found at {@code path}. */
    static RbacConfig http(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC rbac, FieldPath path)
            throws ResourceInvalidException {
        if (rbac.hasMatcher()) {
            throw path.field("matcher").invalid("not supported: give the policies in rules");
        }
        if (rbac.hasShadowMatcher()) {
            throw path.field("shadow_matcher").invalid("not supported: give the shadow policies in shadow_rules");
        }
        if (rbac.getTrackPerRuleStats()) {
            throw path.field("track_per_rule_stats").invalid("not supported: Outrigger keeps no per-policy counters");
        }
        FieldCheck.only(rbac, path, "rules", "rules_stat_prefix", "shadow_rules", "shadow_rules_stat_prefix");
        return new RbacConfig(
                rbac.hasRules() ? rules(rbac.getRules(), path.field("rules")) : null,
                rbac.hasShadowRules() ? rules(rbac.getShadowRules(), path.field("shadow_rules")) : null,
                rbac.getRulesStatPrefix(), rbac.getShadowRulesStatPrefix());
    }

    /** An {@code RBACPerRoute} in a route's {@code typed_per_filter_config}, found at {@code path}. */
    static RbacConfig perRouteConfig(Any typedConfig, FieldPath path) throws ResourceInvalidException {
        return perRoute(ConfigValues.unpack(typedConfig, RBACPerRoute.class, path), path);
    }

    /**
     * An {@code RBACPerRoute}: its {@code rbac} replaces the filter's configuration on the route;
     * without one, RBAC is {@link RbacConfig#DISABLED} there, as in Envoy.
     */
    static RbacConfig perRoute(RBACPerRoute perRoute, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(perRoute, path, "rbac");
        return perRoute.hasRbac() ? http(perRoute.getRbac(), path.field("rbac")) : RbacConfig.DISABLED;
    }

    /** The network filter's {@code typed_config}, found at {@code path}. */
    static RbacConfig networkFilter(Any typedConfig, FieldPath path) throws ResourceInvalidException {
        return network(ConfigValues.unpack(typedConfig,
                io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.class, path), path);
    }

    /**
     * The network filter's configuration, found at {@code path}. Only the default enforcement,
     * once on the connection's first byte, exists. Header and url_path rules are accepted, as in
     * Envoy, but never match on a connection.
     */
    static RbacConfig network(io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC rbac, FieldPath path)
            throws ResourceInvalidException {
        if (rbac.hasMatcher()) {
            throw path.field("matcher").invalid("not supported: give the policies in rules");
        }
        if (rbac.hasShadowMatcher()) {
            throw path.field("shadow_matcher").invalid("not supported: give the shadow policies in shadow_rules");
        }
        if (rbac.hasDelayDeny()) {
            throw path.field("delay_deny").invalid("not supported: a denied connection is closed at once");
        }
        var enforcement = rbac.getEnforcementType();
        if (enforcement != io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.EnforcementType
                .ONE_TIME_ON_FIRST_BYTE) {
            throw path.field("enforcement_type").invalid(
                    ClusterTranslator.enumName(enforcement, rbac.getEnforcementTypeValue())
                            + " is not supported: Outrigger decides once, on the first byte "
                            + "(ONE_TIME_ON_FIRST_BYTE), and decodes no protocol messages to decide again");
        }
        FieldCheck.only(rbac, path, "rules", "shadow_rules", "stat_prefix", "shadow_rules_stat_prefix",
                "enforcement_type");
        if (rbac.getStatPrefix().isEmpty()) {
            throw path.field("stat_prefix").invalid("required: the prefix of the filter's stats");
        }
        return new RbacConfig(
                rbac.hasRules() ? rules(rbac.getRules(), path.field("rules")) : null,
                rbac.hasShadowRules() ? rules(rbac.getShadowRules(), path.field("shadow_rules")) : null,
                rbac.getStatPrefix(), rbac.getShadowRulesStatPrefix());
    }

    /** A rule set ({@code rules} or {@code shadow_rules}), found at {@code path}. */
    static RbacEngine rules(RBAC rbac, FieldPath path) throws ResourceInvalidException {
        if (rbac.hasAuditLoggingOptions()) {
            throw path.field("audit_logging_options").invalid("not supported: Outrigger has no RBAC audit loggers");
        }
        FieldCheck.only(rbac, path, "action", "policies");
        RbacAction action = switch (rbac.getAction()) {
            case ALLOW -> RbacAction.ALLOW;
            case DENY -> RbacAction.DENY;
            case LOG -> RbacAction.LOG;
            default -> throw path.field("action").invalid("value " + rbac.getActionValue()
                    + " is not an action (ALLOW, DENY or LOG)");
        };
        Map<String, io.envoyproxy.envoy.config.rbac.v3.Policy> byName = rbac.getPoliciesMap();
        List<String> names = new ArrayList<>(byName.keySet());
        names.sort(NAME_ORDER);
        List<Policy> policies = new ArrayList<>(names.size());
        for (String name : names) {
            policies.add(policy(name, byName.get(name), path.field("policies").key(name)));
        }
        return new RbacEngine(action, policies);
    }

    private static Policy policy(String name, io.envoyproxy.envoy.config.rbac.v3.Policy policy, FieldPath path)
            throws ResourceInvalidException {
        if (policy.hasCondition()) {
            throw path.field("condition").invalid("not supported: Outrigger does not evaluate CEL expressions");
        }
        if (policy.hasCheckedCondition()) {
            throw path.field("checked_condition").invalid("not supported: Outrigger does not evaluate CEL expressions");
        }
        FieldCheck.only(policy, path, "permissions", "principals");
        if (policy.getPermissionsCount() == 0) {
            throw path.field("permissions").invalid("at least one is required (any: true covers every request)");
        }
        if (policy.getPrincipalsCount() == 0) {
            throw path.field("principals").invalid("at least one is required (any: true covers every caller)");
        }
        List<Permission> permissions = new ArrayList<>(policy.getPermissionsCount());
        for (int i = 0; i < policy.getPermissionsCount(); i++) {
            permissions.add(RbacRuleTranslator.permission(policy.getPermissions(i),
                    path.field("permissions").index(i)));
        }
        List<Principal> principals = new ArrayList<>(policy.getPrincipalsCount());
        for (int i = 0; i < policy.getPrincipalsCount(); i++) {
            principals.add(RbacRuleTranslator.principal(policy.getPrincipals(i), path.field("principals").index(i)));
        }
        return new Policy(name, permissions, principals);
    }
}
