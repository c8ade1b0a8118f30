package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.RbacYaml.httpError;
import static dev.outrigger.sidecar.config.RbacYaml.networkError;
import static dev.outrigger.sidecar.config.RbacYaml.policyError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.api.expr.v1alpha1.Expr;
import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import org.junit.jupiter.api.Test;

/** Every rejection of the RBAC translator, with the exact path and text an operator sees. */
class RbacTranslatorErrorsTest {

    private static final String P = "rules.policies[\"p\"].";
    private static final String ANY_PRINCIPAL = "principals: [{any: true}]\n";
    private static final String ANY_PERMISSION = "permissions: [{any: true}]\n";

    private static String permissionError(String permission) throws Exception {
        return policyError(ANY_PRINCIPAL + "permissions: [" + permission + "]");
    }

    private static String principalError(String principal) throws Exception {
        return policyError(ANY_PERMISSION + "principals: [{any: true}, " + principal + "]");
    }

    @Test
    void cidrPrefixLongerThanTheAddress() throws Exception {
        assertEquals("rules.policies[\"allow-web\"].principals[1].remote_ip.prefix_len: 40 is above 32 for an "
                + "IPv4 address", httpError("""
                rules:
                  policies:
                    allow-web:
                      permissions: [{any: true}]
                      principals:
                      - remote_ip: {address_prefix: 10.0.0.0, prefix_len: 8}
                      - remote_ip: {address_prefix: 192.168.1.0, prefix_len: 40}
                """));
        assertEquals(P + "principals[1].direct_remote_ip.prefix_len: 129 is above 128 for an IPv6 address",
                principalError("{direct_remote_ip: {address_prefix: \"2001:db8::\", prefix_len: 129}}"));
        assertEquals(P + "permissions[0].destination_ip.prefix_len: 4294967295 is above 32 for an IPv4 address",
                permissionError("{destination_ip: {address_prefix: 10.0.0.0, prefix_len: 4294967295}}"));
    }

    @Test
    void cidrAddressMustBeAnIpLiteral() throws Exception {
        String at = P + "principals[1].remote_ip.address_prefix: ";
        assertEquals(at + "required: an IPv4 or IPv6 address such as 10.0.0.0 or 2001:db8::",
                principalError("{remote_ip: {prefix_len: 8}}"));
        assertEquals(at + "\"cluster.local\" is not an IPv4 or IPv6 address",
                principalError("{remote_ip: {address_prefix: cluster.local}}"));
        assertEquals(at + "\"10.0.0.0/8\" is not an IPv4 or IPv6 address",
                principalError("{remote_ip: {address_prefix: 10.0.0.0/8}}"));
        assertEquals(at + "\"fe80::1%eth0\" has a zone index, which a CIDR range cannot have",
                principalError("{remote_ip: {address_prefix: \"fe80::1%eth0\", prefix_len: 64}}"));
        assertEquals(at + "\"::ffff:10.0.0.0\" is an IPv4-mapped IPv6 address: write the IPv4 address (10.0.0.0) "
                        + "with a prefix_len 96 shorter",
                principalError("{remote_ip: {address_prefix: \"::ffff:10.0.0.0\", prefix_len: 104}}"));
    }

    @Test
    void unsupportedPermissionKindsAreNamed() throws Exception {
        String at = P + "permissions[0].";
        String noMetadata = "not supported: Outrigger keeps no metadata for RBAC to match";
        assertEquals(at + "metadata: " + noMetadata,
                permissionError("{metadata: {filter: f, path: [{key: k}], value: {present_match: true}}}"));
        assertEquals(at + "sourced_metadata: " + noMetadata, permissionError(
                "{sourced_metadata: {metadata_matcher: {filter: f, path: [{key: k}], value: {present_match: true}}}}"));
        assertEquals(at + "matcher: not supported: Outrigger has no RBAC matcher extensions",
                permissionError("{matcher: {name: m}}"));
        assertEquals(at + "uri_template: not supported: use url_path with a prefix, exact or safe_regex matcher",
                permissionError("{uri_template: {name: t}}"));
        assertEquals(at.substring(0, at.length() - 1) + ": one of any, header, url_path, destination_ip, "
                + "destination_port, destination_port_range, requested_server_name, and_rules, or_rules or not_rule "
                + "is required", permissionError("{}"));
        assertEquals(at + "and_rules.rules[1].not_rule.metadata: " + noMetadata, permissionError(
                "{and_rules: {rules: [{any: true}, {not_rule: {metadata: {filter: f, path: [{key: k}], "
                        + "value: {present_match: true}}}}]}}"));
    }

    @Test
    void unsupportedPrincipalKindsAreNamed() throws Exception {
        String at = P + "principals[1].";
        String noMetadata = "not supported: Outrigger keeps no metadata for RBAC to match";
        assertEquals(at + "metadata: " + noMetadata,
                principalError("{metadata: {filter: f, path: [{key: k}], value: {present_match: true}}}"));
        assertEquals(at + "sourced_metadata: " + noMetadata, principalError(
                "{sourced_metadata: {metadata_matcher: {filter: f, path: [{key: k}], value: {present_match: true}}}}"));
        assertEquals(at + "filter_state: not supported: Outrigger keeps no filter state for RBAC to match",
                principalError("{filter_state: {key: k, string_match: {exact: v}}}"));
        assertEquals(at + "custom: not supported: Outrigger has no RBAC principal extensions (use "
                + "authenticated.principal_name)", principalError("{custom: {name: c}}"));
        assertEquals(at.substring(0, at.length() - 1) + ": one of any, authenticated, direct_remote_ip, remote_ip, "
                + "source_ip, header, url_path, and_ids, or_ids or not_id is required", principalError("{}"));
    }

    @Test
    void anyMustBeTrue() throws Exception {
        assertEquals(P + "permissions[0].any: must be true (a permission that matches nothing is not allowed)",
                permissionError("{any: false}"));
        assertEquals(P + "principals[1].any: must be true (a principal that matches nobody is not allowed)",
                principalError("{any: false}"));
    }

    @Test
    void setsMustNotBeEmpty() throws Exception {
        assertEquals(P + "permissions[0].and_rules.rules: at least one rule is required",
                permissionError("{and_rules: {}}"));
        assertEquals(P + "permissions[0].or_rules.rules: at least one rule is required",
                permissionError("{or_rules: {rules: []}}"));
        assertEquals(P + "principals[1].and_ids.ids: at least one id is required", principalError("{and_ids: {}}"));
        assertEquals(P + "principals[1].or_ids.ids: at least one id is required", principalError("{or_ids: {}}"));
    }

    @Test
    void matchersInsideRulesNameTheirField() throws Exception {
        assertEquals(P + "permissions[0].url_path.path: required: a string matcher on the path without query string",
                permissionError("{url_path: {}}"));
        assertEquals(P + "permissions[0].url_path.path.prefix: must not be empty",
                permissionError("{url_path: {path: {prefix: \"\"}}}"));
        assertEquals(P + "principals[1].authenticated.principal_name: one of exact, prefix, suffix, contains or "
                + "safe_regex is required", principalError("{authenticated: {principal_name: {}}}"));
        assertEquals(P + "principals[1].header.name: must not be empty",
                principalError("{header: {exact_match: x}}"));
        assertEquals(P + "permissions[0].requested_server_name.ignore_case: has no effect for safe_regex; use (?i) "
                + "in the regex",
                permissionError("{requested_server_name: {safe_regex: {regex: a}, ignore_case: true}}"));
    }

    @Test
    void portsMustBePorts() throws Exception {
        assertEquals(P + "permissions[0].destination_port: 70000 is above 65535",
                permissionError("{destination_port: 70000}"));
        String at = P + "permissions[0].destination_port_range";
        assertEquals(at + ".start: -1 is not a port (0..65535)",
                permissionError("{destination_port_range: {start: -1, end: 80}}"));
        assertEquals(at + ".end: 65537 is outside 1..65536 (end is exclusive)",
                permissionError("{destination_port_range: {start: 80, end: 65537}}"));
        assertEquals(at + ": range [443, 443) is empty: end is exclusive and must be greater than start",
                permissionError("{destination_port_range: {start: 443, end: 443}}"));
    }

    @Test
    void policiesNeedPermissionsAndPrincipals() throws Exception {
        assertEquals(P + "permissions: at least one is required (any: true covers every request)",
                policyError(ANY_PRINCIPAL));
        assertEquals(P + "principals: at least one is required (any: true covers every caller)",
                policyError(ANY_PERMISSION));
    }

    @Test
    void celConditionsAreRejected() {
        Policy.Builder policy = Policy.newBuilder()
                .addPermissions(io.envoyproxy.envoy.config.rbac.v3.Permission.newBuilder().setAny(true))
                .addPrincipals(io.envoyproxy.envoy.config.rbac.v3.Principal.newBuilder().setAny(true));
        RBAC withCondition = RBAC.newBuilder().putPolicies("p", policy.clone()
                .setCondition(Expr.newBuilder().setId(1)).build()).build();
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class,
                () -> RbacTranslator.rules(withCondition, FieldPath.ROOT.field("rules")));
        assertEquals(P + "condition: not supported: Outrigger does not evaluate CEL expressions", e.getMessage());
    }

    @Test
    void ruleSetLevelRejections() throws Exception {
        assertEquals("rules.audit_logging_options: not supported: Outrigger has no RBAC audit loggers",
                httpError("rules: {audit_logging_options: {audit_condition: ON_DENY}}"));
        RBAC unknownAction = RBAC.newBuilder().setActionValue(7).build();
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class,
                () -> RbacTranslator.rules(unknownAction, FieldPath.ROOT.field("shadow_rules")));
        assertEquals("shadow_rules.action: value 7 is not an action (ALLOW, DENY or LOG)", e.getMessage());
    }

    @Test
    void httpFilterRejections() throws Exception {
        assertEquals("matcher: not supported: give the policies in rules",
                httpError("matcher: {on_no_match: {action: {name: a}}}"));
        assertEquals("shadow_matcher: not supported: give the shadow policies in shadow_rules",
                httpError("shadow_matcher: {on_no_match: {action: {name: a}}}"));
        assertEquals("track_per_rule_stats: not supported: Outrigger keeps no per-policy counters",
                httpError("track_per_rule_stats: true"));
        assertEquals("shadow_rules.policies[\"p\"].principals: at least one is required (any: true covers every "
                + "caller)", httpError("shadow_rules: {policies: {p: {permissions: [{any: true}]}}}"));
    }

    @Test
    void networkFilterRejections() throws Exception {
        assertEquals("stat_prefix: required: the prefix of the filter's stats", networkError("rules: {}"));
        assertEquals("enforcement_type: CONTINUOUS is not supported: Outrigger decides once, on the first byte "
                        + "(ONE_TIME_ON_FIRST_BYTE), and decodes no protocol messages to decide again",
                networkError("stat_prefix: t\nenforcement_type: CONTINUOUS"));
        assertEquals("delay_deny: not supported: a denied connection is closed at once",
                networkError("stat_prefix: t\ndelay_deny: 1s"));
        assertEquals("matcher: not supported: give the policies in rules",
                networkError("stat_prefix: t\nmatcher: {on_no_match: {action: {name: a}}}"));
        assertEquals("rules.policies[\"p\"].permissions[0].destination_port: 65536 is above 65535", networkError(
                "stat_prefix: t\nrules: {policies: {p: {permissions: [{destination_port: 65536}], "
                        + "principals: [{any: true}]}}}"));
    }

    @Test
    void perRouteRejections() {
        RBACPerRoute bad = RBACPerRoute.newBuilder().setRbac(
                io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder().setTrackPerRuleStats(true))
                .build();
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class,
                () -> RbacTranslator.perRoute(bad,
                        FieldPath.of("typed_per_filter_config[\"envoy.filters.http.rbac\"]")));
        assertEquals("typed_per_filter_config[\"envoy.filters.http.rbac\"].rbac.track_per_rule_stats: not supported: "
                + "Outrigger keeps no per-policy counters", e.getMessage());
        Any wrongType = Any.pack(Duration.newBuilder().setSeconds(1).build());
        ResourceInvalidException unpack = assertThrows(ResourceInvalidException.class,
                () -> RbacTranslator.perRouteConfig(wrongType, FieldPath.of("cfg")));
        assertEquals("cfg: expected envoy.extensions.filters.http.rbac.v3.RBACPerRoute, got google.protobuf.Duration",
                unpack.getMessage());
    }
}
