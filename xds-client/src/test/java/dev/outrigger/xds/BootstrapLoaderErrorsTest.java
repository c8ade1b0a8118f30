package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every kind of mistake the loader reports, with its exact path and line. */
class BootstrapLoaderErrorsTest {

    private static final Path FILE = Path.of("conf", "bootstrap.yaml");

    private static final String LISTENER_HEAD = """
            static_resources:
              listeners:
              - name: outbound
            """;

    private static final String HCM_HEAD = LISTENER_HEAD + """
                filter_chains:
                - filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
            """;
    private static final String HCM = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config";

    @Test
    void unknownFieldSuggestsTheClosestName() {
        assertError(LISTENER_HEAD + "    adress: {}\n",
                "conf/bootstrap.yaml:4: static_resources.listeners[0].adress: "
                        + "no such field in envoy.config.listener.v3.Listener (did you mean \"address\"?)");
    }

    @Test
    void unknownCamelCaseFieldSuggestsTheJsonName() {
        assertError("staticResources:\n  clusters:\n  - name: a\n    connectTimeot: 1s\n",
                "conf/bootstrap.yaml:4: staticResources.clusters[0].connectTimeot: "
                        + "no such field in envoy.config.cluster.v3.Cluster (did you mean \"connectTimeout\"?)");
    }

    @Test
    void unknownFieldFarFromAnyNameHasNoSuggestion() {
        assertError("node:\n  id: a\n  colour: blue\n",
                "conf/bootstrap.yaml:3: node.colour: no such field in envoy.config.core.v3.Node");
    }

    @Test
    void unknownFieldInsideAnAnyIsCheckedAgainstThePackedType() {
        assertError(HCM_HEAD + "          stat_prefx: out\n",
                "conf/bootstrap.yaml:9: " + HCM + ".stat_prefx: no such field in "
                        + "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
                        + " (did you mean \"stat_prefix\"?)");
    }

    @Test
    void messageGivenAScalar() {
        assertError(LISTENER_HEAD + "    address: 127.0.0.1:15001\n",
                "conf/bootstrap.yaml:4: static_resources.listeners[0].address: "
                        + "expected an object (envoy.config.core.v3.Address), got \"127.0.0.1:15001\"");
    }

    @Test
    void repeatedFieldGivenAnObject() {
        assertError("static_resources:\n  listeners:\n    name: outbound\n",
                "conf/bootstrap.yaml:2: static_resources.listeners: "
                        + "expected a list (repeated envoy.config.listener.v3.Listener), got an object");
    }

    @Test
    void mapFieldGivenAList() {
        assertError("static_resources:\n  clusters:\n  - name: a\n    typed_extension_protocol_options:\n    - x\n",
                "conf/bootstrap.yaml:4: static_resources.clusters[0].typed_extension_protocol_options: "
                        + "expected an object of key: value entries (map<string, google.protobuf.Any>), got a list");
    }

    @Test
    void mapValuesAreCheckedUnderTheirKey() {
        assertError("""
                static_resources:
                  clusters:
                  - name: a
                    typed_extension_protocol_options:
                      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                        "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                        explicit_http_config: { http_protocol_option: {} }
                """,
                "conf/bootstrap.yaml:7: static_resources.clusters[0].typed_extension_protocol_options"
                        + "[\"envoy.extensions.upstreams.http.v3.HttpProtocolOptions\"].explicit_http_config"
                        + ".http_protocol_option: no such field in "
                        + "envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig"
                        + " (did you mean \"http_protocol_options\"?)");
    }

    @Test
    void enumValueNotInTheEnumListsTheValidNames() {
        ConfigFileException e = error("static_resources:\n  clusters:\n  - name: a\n    lb_policy: ROUND_ROBBIN\n");
        assertEquals(4, e.line());
        assertEquals("static_resources.clusters[0].lb_policy", e.path());
        assertEquals("\"ROUND_ROBBIN\" is not a value of envoy.config.cluster.v3.Cluster.LbPolicy (valid: "
                + "ROUND_ROBIN, LEAST_REQUEST, RING_HASH, RANDOM, MAGLEV, CLUSTER_PROVIDED, LOAD_BALANCING_POLICY_CONFIG)"
                + "; did you mean \"ROUND_ROBIN\"?", e.reason());
    }

    @Test
    void enumNumberNotInTheEnum() {
        ConfigFileException e = error("static_resources:\n  clusters:\n  - name: a\n    type: 42\n");
        assertEquals("static_resources.clusters[0].type", e.path());
        assertEquals("42 is not a value of envoy.config.cluster.v3.Cluster.DiscoveryType "
                + "(valid: STATIC, STRICT_DNS, LOGICAL_DNS, EDS, ORIGINAL_DST)", e.reason());
    }

    @Test
    void integerGivenText() {
        assertError(LISTENER_HEAD + "    address: { socket_address: { address: 0.0.0.0, port_value: http } }\n",
                "conf/bootstrap.yaml:4: static_resources.listeners[0].address.socket_address.port_value: "
                        + "expected an integer (uint32), got \"http\"");
    }

    @Test
    void integerOutOfRange() {
        assertError(LISTENER_HEAD + "    address:\n      socket_address:\n        port_value: -1\n",
                "conf/bootstrap.yaml:6: static_resources.listeners[0].address.socket_address.port_value: "
                        + "-1 is out of range for uint32 (0..4294967295)");
    }

    @Test
    void integerGivenAFraction() {
        assertError("static_resources:\n  clusters:\n  - name: a\n    per_connection_buffer_limit_bytes: 1.5\n",
                "conf/bootstrap.yaml:4: static_resources.clusters[0].per_connection_buffer_limit_bytes: "
                        + "expected an integer (uint32), got 1.5");
    }

    @Test
    void boolGivenSomethingElse() {
        assertError("static_resources:\n  clusters:\n  - name: a\n    respect_dns_ttl: maybe\n",
                "conf/bootstrap.yaml:4: static_resources.clusters[0].respect_dns_ttl: expected true or false, got \"maybe\"");
    }

    @Test
    void wrapperIsCheckedAsItsPrimitive() {
        assertError(HCM_HEAD + "          generate_request_id: [true]\n",
                "conf/bootstrap.yaml:9: " + HCM + ".generate_request_id: expected true or false, got a list");
    }

    @Test
    void durationNeedsItsStringForm() {
        assertError("static_resources:\n  clusters:\n  - name: a\n    connect_timeout: 5\n",
                "conf/bootstrap.yaml:4: static_resources.clusters[0].connect_timeout: "
                        + "expected a duration such as \"5s\" or \"0.25s\", got 5");
        assertError("static_resources:\n  clusters:\n  - name: a\n    connect_timeout: 5 s\n",
                "conf/bootstrap.yaml:4: static_resources.clusters[0].connect_timeout: "
                        + "expected a duration such as \"5s\" or \"0.25s\", got \"5 s\"");
    }

    @Test
    void oneofMembersAreExclusive() {
        assertError(LISTENER_HEAD + """
                    address:
                      socket_address: { address: 0.0.0.0, port_value: 1 }
                      pipe: { path: /tmp/s }
                """,
                "conf/bootstrap.yaml:6: static_resources.listeners[0].address.pipe: \"socket_address\" is set too;"
                        + " only one of socket_address, pipe, envoy_internal_address may be set");
    }

    @Test
    void sameFieldUnderBothNames() {
        assertError("node:\n  id: a\n  user_agent_name: x\n  userAgentName: y\n",
                "conf/bootstrap.yaml:4: node.userAgentName: the same field as \"user_agent_name\" given before it"
                        + " (one under its JSON name)");
    }

    @Test
    void anyWithoutType() {
        assertError(HCM_HEAD.replace("          \"@type\"", "          \"@typo\""),
                "conf/bootstrap.yaml:7: " + HCM + ": \"@type\" is missing; an Any needs one, such as \"@type\": "
                        + "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router");
    }

    @Test
    void anyWithUnknownType() {
        assertError(LISTENER_HEAD + """
                    filter_chains:
                    - filters:
                      - name: x
                        typed_config:
                          "@type": type.googleapis.com/foo.Bar
                """,
                "conf/bootstrap.yaml:7: " + HCM + ": unknown type URL \"type.googleapis.com/foo.Bar\"");
    }

    @Test
    void anyHoldingAWellKnownTypeTakesValue() {
        assertError("""
                static_resources:
                  clusters:
                  - name: a
                    typed_extension_protocol_options:
                      x:
                        "@type": type.googleapis.com/google.protobuf.Duration
                        value: 5
                """,
                "conf/bootstrap.yaml:7: static_resources.clusters[0].typed_extension_protocol_options[\"x\"].value: "
                        + "expected a duration such as \"5s\" or \"0.25s\", got 5");
    }

    @Test
    void duplicateKeyIsAnErrorWithItsLine() {
        assertError("node:\n  id: a\n  cluster: b\n  id: c\n", "conf/bootstrap.yaml:4: node: duplicate key \"id\"");
    }

    @Test
    void yamlSyntaxErrorHasLineAndColumn() {
        ConfigFileException e = error("node:\n  id: a\n cluster: b\n");
        assertEquals(3, e.line());
        assertEquals(2, e.column());
        assertEquals("conf/bootstrap.yaml:3:2: expected <block end>, but found '<block mapping start>'"
                + " (while parsing a block mapping)", e.getMessage());
    }

    @Test
    void jsonSyntaxErrorHasLineAndColumn() {
        ConfigFileException e = assertThrows(ConfigFileException.class,
                () -> BootstrapLoader.parse(Path.of("b.json"), "{\n  \"node\": {\"id\": }\n}"));
        assertEquals(2, e.line());
        assertEquals(18, e.column());
        assertEquals("b.json:2:18: Unexpected character ('}' (code 125)): expected a value", e.getMessage());
    }

    @Test
    void secondYamlDocumentIsRefused() {
        assertError("node: {id: a}\n---\nnode: {id: b}\n",
                "conf/bootstrap.yaml:3: a second document starts here; a bootstrap file holds exactly one");
    }

    @Test
    void yamlAliasesAreRefused() {
        assertError("node: &n {id: a}\nadmin: *n\n",
                "conf/bootstrap.yaml:2: admin: YAML aliases (*n) are not supported; write the value out");
    }

    @Test
    void nullListElementIsRefused() {
        assertError("static_resources:\n  clusters:\n  - name: a\n  - ~\n",
                "conf/bootstrap.yaml:4: static_resources.clusters[1]: a list element cannot be null");
    }

    private static void assertError(String yaml, String expected) {
        ConfigFileException e = error(yaml);
        assertEquals(expected, e.getMessage().replace('\\', '/'));
        assertEquals(1, e.getMessage().lines().count());
    }

    private static ConfigFileException error(String yaml) {
        return assertThrows(ConfigFileException.class, () -> BootstrapLoader.parse(FILE, yaml));
    }
}
