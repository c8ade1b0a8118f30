package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outrigger.sidecar.ratelimit.DescriptorEntry;
import dev.outrigger.sidecar.ratelimit.RateLimitAction;
import dev.outrigger.sidecar.ratelimit.RateLimitRule;
import dev.outrigger.sidecar.route.HeaderMatcher;
import dev.outrigger.sidecar.route.StringMatcher;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitActionsTranslatorTest {

    private static final String AT = "virtual_hosts[0].routes[0].route.rate_limits";

    private static List<RateLimitRule> rules(String yaml) throws ResourceInvalidException {
        RouteAction route = ProtoYaml.parse(yaml, RouteAction.newBuilder());
        return RateLimitActionsTranslator.translate(route.getRateLimitsList(), FieldPath.of(AT));
    }

    private static RateLimitAction action(String actionYaml) throws ResourceInvalidException {
        List<RateLimitRule> rules = rules("rate_limits:\n- actions:\n  - " + actionYaml + "\n");
        return rules.get(0).actions().get(0);
    }

    private static void assertRejected(String yaml, String path, String reason) {
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class, () -> rules(yaml));
        assertEquals(path, e.path().toString(), e.getMessage());
        assertEquals(reason, e.reason());
    }

    private static void assertActionRejected(String actionYaml, String path, String reason) {
        assertRejected("rate_limits:\n- actions:\n  - " + actionYaml + "\n", AT + "[0].actions[0]" + path, reason);
    }

    @Test
    void everySupportedActionInOrder() throws Exception {
        List<RateLimitRule> rules = rules("""
                rate_limits:
                - stage: 3
                  disable_key: off.switch
                  actions:
                  - source_cluster: {}
                  - destination_cluster: {}
                  - request_headers: { header_name: X-User, descriptor_key: user, skip_if_absent: true }
                  - remote_address: {}
                  - generic_key: { descriptor_value: api }
                  - generic_key: { descriptor_value: gold, descriptor_key: tier }
                - actions:
                  - header_value_match:
                      descriptor_value: posts
                      expect_match: false
                      headers: [ { name: ":method", string_match: { exact: POST } } ]
                  - extension:
                      name: outrigger.rate_limit_descriptors.peer_identity
                      typed_config:
                        "@type": type.googleapis.com/outrigger.ratelimit.v1.PeerIdentityDescriptor
                """);
        assertEquals(List.of(
                new RateLimitRule(3, "off.switch", List.of(
                        new RateLimitAction.SourceCluster(),
                        new RateLimitAction.DestinationCluster(),
                        new RateLimitAction.RequestHeaders("x-user", "user", true),
                        new RateLimitAction.RemoteAddress(),
                        new RateLimitAction.GenericKey(new DescriptorEntry("generic_key", "api")),
                        new RateLimitAction.GenericKey(new DescriptorEntry("tier", "gold")))),
                new RateLimitRule(0, "", List.of(
                        new RateLimitAction.HeaderValueMatch(new DescriptorEntry("header_match", "posts"), false,
                                List.of(new HeaderMatcher(":method",
                                        new HeaderMatcher.Value(new StringMatcher.Exact("POST", false)), false,
                                        false))),
                        new RateLimitAction.PeerIdentity("peer_identity", false)))), rules);
    }

    @Test
    void theBootstrapLoaderReadsThePeerIdentityExtension() throws Exception {
        Bootstrap bootstrap = TestBootstraps.parse(TestBootstraps.withHcm("""
                stat_prefix: in
                route_config:
                  virtual_hosts:
                  - name: all
                    domains: ["*"]
                    routes:
                    - match: { prefix: "/" }
                      route:
                        cluster: demo
                        rate_limits:
                        - actions:
                          - extension:
                              name: outrigger.rate_limit_descriptors.peer_identity
                              typed_config:
                                "@type": type.googleapis.com/outrigger.ratelimit.v1.PeerIdentityDescriptor
                                descriptor_key: caller
                """));
        HttpConnectionManager hcm = bootstrap.getStaticResources().getListeners(0).getFilterChains(0).getFilters(0)
                .getTypedConfig().unpack(HttpConnectionManager.class);
        RouteAction route = hcm.getRouteConfig().getVirtualHosts(0).getRoutes(0).getRoute();
        assertEquals(List.of(RateLimitRule.of(new RateLimitAction.PeerIdentity("caller", false))),
                RateLimitActionsTranslator.translate(route.getRateLimitsList(), FieldPath.of(AT)));
    }

    @Test
    void peerIdentityKeyAndSkip() throws Exception {
        assertEquals(new RateLimitAction.PeerIdentity("caller", true), action("""
                extension:
                      name: x
                      typed_config:
                        "@type": type.googleapis.com/outrigger.ratelimit.v1.PeerIdentityDescriptor
                        descriptor_key: caller
                        skip_if_absent: true"""));
    }

    @Test
    void headerValueMatchDefaults() throws Exception {
        assertEquals(new RateLimitAction.HeaderValueMatch(new DescriptorEntry("beta", "yes"), true,
                        List.of(new HeaderMatcher("x-beta", new HeaderMatcher.Present(true), false, false))),
                action("header_value_match: { descriptor_key: beta, descriptor_value: \"yes\","
                        + " headers: [ { name: x-beta } ] }"));
    }

    @Test
    void noRulesIsAnEmptyList() throws Exception {
        assertEquals(List.of(), rules("cluster: c\n"));
    }

    @Test
    void embeddedRulesRejectStageAndDisableKey() throws Exception {
        RouteAction route = ProtoYaml.parse("rate_limits:\n- stage: 1\n  actions: [ { remote_address: {} } ]\n",
                RouteAction.newBuilder());
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class,
                () -> RateLimitActionsTranslator.translateEmbedded(route.getRateLimitsList(), FieldPath.of("f")));
        assertEquals("f[0].stage", e.path().toString());
        assertEquals("field is not supported by Outrigger (supported here: actions)", e.reason());
        RouteAction plain = ProtoYaml.parse("rate_limits:\n- actions: [ { remote_address: {} } ]\n",
                RouteAction.newBuilder());
        assertEquals(List.of(RateLimitRule.of(new RateLimitAction.RemoteAddress())),
                RateLimitActionsTranslator.translateEmbedded(plain.getRateLimitsList(), FieldPath.of("f")));
    }

    @Test
    void ruleErrors() {
        assertRejected("rate_limits:\n- stage: 11\n  actions: [ { remote_address: {} } ]\n", AT + "[0].stage",
                "must be 0 to 10, got 11");
        assertRejected("rate_limits:\n- actions: []\n", AT + "[0].actions", "at least one action is required");
        assertRejected("""
                rate_limits:
                - actions: [ { remote_address: {} } ]
                  limit: { dynamic_metadata: { metadata_key: { key: k, path: [ { key: p } ] } } }
                """, AT + "[0].limit", "is not supported: a limit override is for the global rate limit service;"
                + " a local rate limit takes its limits from the filter's descriptors");
        assertRejected("rate_limits:\n- actions: [ { remote_address: {} } ]\n  apply_on_stream_done: true\n",
                AT + "[0].apply_on_stream_done",
                "field is not supported by Outrigger (supported here: actions, disable_key, stage)");
    }

    @Test
    void unsupportedAndMissingActions() {
        String supported = "source_cluster, destination_cluster, request_headers, remote_address, generic_key,"
                + " header_value_match, extension (type.googleapis.com/outrigger.ratelimit.v1.PeerIdentityDescriptor)";
        assertActionRejected("masked_remote_address: { v4_prefix_mask_len: 24 }", ".masked_remote_address",
                "action is not supported by Outrigger (supported: " + supported + ")");
        assertActionRejected("query_parameters: { query_parameter_name: q, descriptor_key: q }", ".query_parameters",
                "action is not supported by Outrigger (supported: " + supported + ")");
        assertActionRejected("{}", "", "an action is required, one of " + supported);
    }

    @Test
    void requestHeadersErrors() {
        assertActionRejected("request_headers: { descriptor_key: k }", ".request_headers.header_name",
                "must not be empty");
        assertActionRejected("request_headers: { header_name: \"bad name\", descriptor_key: k }",
                ".request_headers.header_name", "\"bad name\" is not a valid header name");
        assertActionRejected("request_headers: { header_name: \":scheme\", descriptor_key: k }",
                ".request_headers.header_name",
                "pseudo-header :scheme cannot be read (supported: :authority, :method, :path)");
        assertActionRejected("request_headers: { header_name: x-user }", ".request_headers.descriptor_key",
                "must not be empty");
    }

    @Test
    void genericKeyAndHeaderValueMatchErrors() {
        assertActionRejected("generic_key: { descriptor_key: k }", ".generic_key.descriptor_value",
                "must not be empty");
        assertActionRejected("header_value_match: { headers: [ { name: x } ] }",
                ".header_value_match.descriptor_value", "must not be empty");
        assertActionRejected("header_value_match: { descriptor_value: v }", ".header_value_match.headers",
                "at least one header matcher is required");
        assertActionRejected("header_value_match: { descriptor_value: v, headers: [ { name: \"\" } ] }",
                ".header_value_match.headers[0].name", "must not be empty");
    }

    @Test
    void extensionErrors() {
        assertActionRejected("extension: { name: x }", ".extension.typed_config",
                "required: a type.googleapis.com/outrigger.ratelimit.v1.PeerIdentityDescriptor"
                        + " (the only descriptor extension Outrigger implements)");
        assertActionRejected("""
                extension:
                      name: x
                      typed_config: { "@type": type.googleapis.com/google.protobuf.Struct, value: {} }""",
                ".extension.typed_config", "google.protobuf.Struct is not supported (the only rate limit"
                        + " descriptor extension Outrigger implements is"
                        + " type.googleapis.com/outrigger.ratelimit.v1.PeerIdentityDescriptor)");
    }
}
