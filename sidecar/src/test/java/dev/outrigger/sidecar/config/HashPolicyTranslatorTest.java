package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.RouteConfigYaml.error;
import static dev.outrigger.sidecar.config.RouteConfigYaml.translate;
import static dev.outrigger.sidecar.config.RouteConfigYaml.vhost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.outrigger.sidecar.route.ForwardAction;
import dev.outrigger.sidecar.route.HashPolicy;
import dev.outrigger.sidecar.route.TestRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A route's {@code hash_policy}: translated entries, the values they read, and refusals by name. */
class HashPolicyTranslatorTest {

    private static List<HashPolicy> policies(String hashPolicy) throws Exception {
        var table = translate(vhost("- {match: {prefix: /}, route: {cluster: c, hash_policy: " + hashPolicy + "}}"));
        var selection = table.select(TestRequest.get("x", "/"));
        return ((ForwardAction) selection.route().action()).hashPolicies();
    }

    @Test
    void everyKindIsTranslatedInOrder() throws Exception {
        assertEquals(List.of(new HashPolicy.Header("x-user", false), new HashPolicy.Cookie("session", true),
                new HashPolicy.SourceIp(false), new HashPolicy.QueryParameter("tenant", false)), policies("""
                [{header: {header_name: X-User}}, {cookie: {name: session}, terminal: true},
                 {connection_properties: {source_ip: true}}, {query_parameter: {name: tenant}}]"""));
        assertEquals(List.of(), policies("[]"));
    }

    @Test
    void eachKindReadsItsValue() {
        TestRequest r = TestRequest.get("x", "/p?a=1&tenant=blue%20team")
                .header("x-user", "alice").header("cookie", "theme=dark; session=\"s-42\"; other=1");
        assertEquals("alice", new HashPolicy.Header("x-user", false).value(r, "10.0.0.1"));
        assertNull(new HashPolicy.Header("x-none", false).value(r, "10.0.0.1"));
        assertEquals("s-42", new HashPolicy.Cookie("session", false).value(r, "10.0.0.1"));
        assertEquals("dark", new HashPolicy.Cookie("theme", false).value(r, "10.0.0.1"));
        assertNull(new HashPolicy.Cookie("sess", false).value(r, "10.0.0.1"), "a prefix of a name is not the name");
        assertEquals("10.0.0.1", new HashPolicy.SourceIp(false).value(r, "10.0.0.1"));
        assertEquals("blue team", new HashPolicy.QueryParameter("tenant", false).value(r, "10.0.0.1"));
        assertEquals(Long.rotateLeft(5, 1) ^ 9, HashPolicy.combine(5, 9));
    }

    @Test
    void mistakesAreNamed() throws Exception {
        String r = "~.virtual_hosts[0].routes[0].route.hash_policy[0]";
        assertEquals(r + ".filter_state: is not supported (header, cookie, connection_properties or query_parameter)",
                error(vhost("- {match: {prefix: /}, route: {cluster: c, hash_policy: [{filter_state: {key: k}}]}}")));
        assertEquals(r + ".header.header_name: required",
                error(vhost("- {match: {prefix: /}, route: {cluster: c, hash_policy: [{header: {}}]}}")));
        assertEquals(r + ".cookie.ttl: field is not supported by Outrigger (supported here: name)",
                error(vhost("- {match: {prefix: /}, route: {cluster: c, hash_policy: [{cookie: {name: s, ttl: 60s}}]}}")));
        assertEquals(r + ".connection_properties.source_ip: must be true (it is the only connection property)",
                error(vhost("- {match: {prefix: /}, route: {cluster: c, hash_policy: [{connection_properties: {}}]}}")));
        assertEquals(r + ": one of header, cookie, connection_properties or query_parameter is required",
                error(vhost("- {match: {prefix: /}, route: {cluster: c, hash_policy: [{terminal: true}]}}")));
    }
}
