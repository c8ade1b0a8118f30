package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.RouteConfigYaml.BASE;
import static dev.outrigger.sidecar.config.RouteConfigYaml.error;
import static dev.outrigger.sidecar.config.RouteConfigYaml.vhost;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every rejection of the route translator, with the exact path and text an operator sees ("~" stands
 * for {@link RouteConfigYaml#BASE}).
 */
class RouteConfigErrorsTest {

    private static final String VARIABLES = "(supported: %DOWNSTREAM_REMOTE_ADDRESS%, "
            + "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%, %DOWNSTREAM_LOCAL_ADDRESS%, "
            + "%DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%, %PROTOCOL%, %UPSTREAM_REMOTE_ADDRESS%, %HOSTNAME%, "
            + "and %% for a literal %)";

    private static String path(String message) {
        return message.substring(0, message.indexOf(": "));
    }

    private static String routeError(String route) throws Exception {
        return error(vhost("- " + route));
    }

    @Test
    void unsupportedFieldsAreNamedWithWhatIsSupported() throws Exception {
        assertEquals("~.validate_clusters: field is not supported by Outrigger (supported here: "
                        + "most_specific_header_mutations_wins, name, request_headers_to_add, request_headers_to_remove, "
                        + "response_headers_to_add, response_headers_to_remove, typed_per_filter_config, virtual_hosts)",
                error("validate_clusters: false"));
        assertEquals("~.virtual_hosts[0].require_tls: field is not supported by Outrigger (supported here: domains, "
                        + "name, rate_limits, request_headers_to_add, request_headers_to_remove, response_headers_to_add, "
                        + "response_headers_to_remove, routes, typed_per_filter_config)",
                error("virtual_hosts: [{name: v, domains: [a], require_tls: ALL}]"));
    }

    @Test
    void unsupportedFieldsAreFoundAtEveryLevel() throws Exception {
        String r = "~.virtual_hosts[0].routes[0].";
        assertEquals(r + "decorator",
                path(routeError("{match: {prefix: /}, route: {cluster: c}, decorator: {operation: op}}")));
        assertEquals(r + "non_forwarding_action", path(routeError("{match: {prefix: /}, non_forwarding_action: {}}")));
        assertEquals(r + "match.grpc", path(routeError("{match: {prefix: /, grpc: {}}, route: {cluster: c}}")));
        assertEquals(r + "match.runtime_fraction", path(routeError(
                "{match: {prefix: /, runtime_fraction: {default_value: {numerator: 1}}}, route: {cluster: c}}")));
        assertEquals(r + "route.retry_policy",
                path(routeError("{match: {prefix: /}, route: {cluster: c, retry_policy: {retry_on: 5xx}}}")));
        assertEquals(r + "route.cluster_header",
                path(routeError("{match: {prefix: /}, route: {cluster_header: x-cluster}}")));
        assertEquals(r + "route.auto_host_rewrite",
                path(routeError("{match: {prefix: /}, route: {cluster: c, auto_host_rewrite: true}}")));
        assertEquals(r + "route.weighted_clusters.total_weight", path(routeError("{match: {prefix: /}, route: "
                + "{weighted_clusters: {clusters: [{name: a, weight: 1}], total_weight: 1}}}")));
        assertEquals(r + "route.weighted_clusters.clusters[1].request_headers_to_add", path(routeError(
                "{match: {prefix: /}, route: {weighted_clusters: {clusters: [{name: a, weight: 1}, "
                        + "{name: b, weight: 1, request_headers_to_add: [{header: {key: x, value: y}}]}]}}}")));
        assertEquals(r + "match.headers[0].string_match.custom", path(routeError(
                "{match: {prefix: /, headers: [{name: x, string_match: {custom: {name: c}}}]}, route: {cluster: c}}")));
        assertEquals(r + "match.safe_regex.google_re2.max_program_size", path(routeError(
                "{match: {safe_regex: {regex: a, google_re2: {max_program_size: 100}}}, route: {cluster: c}}")));
        assertEquals(r + "direct_response.body.environment_variable", path(routeError(
                "{match: {prefix: /}, direct_response: {status: 200, body: {environment_variable: HOME}}}")));
        assertEquals("~.virtual_hosts[0].request_headers_to_add[0].header.raw_value", path(error("virtual_hosts: "
                + "[{name: v, domains: [a], request_headers_to_add: [{header: {key: x, raw_value: eQ==}}]}]")));
    }

    @Test
    void virtualHostErrors() throws Exception {
        assertEquals("~.virtual_hosts[0].name: must not be empty", error("virtual_hosts: [{domains: [a]}]"));
        assertEquals("~.virtual_hosts[0].domains: at least one domain is required",
                error("virtual_hosts: [{name: v}]"));
        assertEquals("~.virtual_hosts[0].domains[1]: domain \"a.*.c\" may only have one '*', as its first or last "
                + "character", error("virtual_hosts: [{name: v, domains: [a, a.*.c]}]"));
        assertEquals("~.virtual_hosts[1].domains[0]: domain \"a.com\" is already used at " + BASE
                        + ".virtual_hosts[0].domains[1]; a domain may appear only once in a route configuration",
                error("virtual_hosts: [{name: v, domains: [b, a.com]}, {name: w, domains: [A.com]}]"));
        assertEquals("~.virtual_hosts[0].domains[1]: domain \"b\" is already used at " + BASE
                        + ".virtual_hosts[0].domains[0]; a domain may appear only once in a route configuration",
                error("virtual_hosts: [{name: v, domains: [b, b]}]"));
        assertEquals("~.virtual_hosts[1].domains[0]: only one wildcard domain \"*\" is allowed in a route "
                        + "configuration; it is already at " + BASE + ".virtual_hosts[0].domains[0]",
                error("virtual_hosts: [{name: v, domains: ['*']}, {name: w, domains: ['*']}]"));
    }

    @Test
    void routeAndPathErrors() throws Exception {
        String r = "~.virtual_hosts[0].routes[0]";
        assertEquals(r + ".match: is required", routeError("{route: {cluster: c}}"));
        assertEquals(r + ": one of route, redirect or direct_response is required", routeError("{match: {prefix: /}}"));
        assertEquals(r + ".match: one of prefix, path, safe_regex or path_separated_prefix is required",
                routeError("{match: {headers: [{name: x}]}, route: {cluster: c}}"));
        assertEquals("~.virtual_hosts[0].routes[2].match.safe_regex.regex: invalid RE2 regex \"(\": missing closing )",
                error(vhost("""
                        - {match: {prefix: /a}, route: {cluster: c}}
                        - {match: {prefix: /b}, route: {cluster: c}}
                        - {match: {safe_regex: {regex: "("}}, route: {cluster: c}}
                        """)));
        assertEquals(r + ".match.safe_regex.regex: regex must not be empty",
                routeError("{match: {safe_regex: {regex: ''}}, route: {cluster: c}}"));
        assertEquals(r + ".match.case_sensitive: does not apply to safe_regex; use (?i) in the regex instead",
                routeError("{match: {safe_regex: {regex: a}, case_sensitive: false}, route: {cluster: c}}"));
        assertEquals(r + ".match.path: must not be empty", routeError("{match: {path: ''}, route: {cluster: c}}"));
        assertEquals(r + ".match.path_separated_prefix: \"/api/\" must not contain '?' or '#' and must not end "
                + "with '/'", routeError("{match: {path_separated_prefix: /api/}, route: {cluster: c}}"));
    }

    private static String matchError(String matchFields) throws Exception {
        return routeError("{match: {prefix: /, " + matchFields + "}, route: {cluster: c}}");
    }

    @Test
    void headerAndQueryMatcherErrors() throws Exception {
        String m = "~.virtual_hosts[0].routes[0].match.";
        assertEquals(m + "headers[0].name: must not be empty", matchError("headers: [{present_match: true}]"));
        assertEquals(m + "headers[0].name: \"a b\" is not a valid header name", matchError("headers: [{name: a b}]"));
        assertEquals(m + "headers[0].name: pseudo-header :scheme cannot be matched (supported: :authority, :method, "
                + ":path)", matchError("headers: [{name: ':scheme', exact_match: https}]"));
        assertEquals(m + "headers[0].string_match: one of exact, prefix, suffix, contains or safe_regex is required",
                matchError("headers: [{name: x, string_match: {ignore_case: true}}]"));
        assertEquals(m + "headers[0].string_match.prefix: must not be empty",
                matchError("headers: [{name: x, string_match: {prefix: ''}}]"));
        assertEquals(m + "headers[1].prefix_match: must not be empty",
                matchError("headers: [{name: x}, {name: y, prefix_match: ''}]"));
        assertEquals(m + "headers[0].string_match.ignore_case: has no effect for safe_regex; use (?i) in the regex",
                matchError("headers: [{name: x, string_match: {safe_regex: {regex: a}, ignore_case: true}}]"));
        assertEquals(m + "headers[0].safe_regex_match.regex: invalid RE2 regex \"a**\": invalid nested repetition "
                + "operator", matchError("headers: [{name: x, safe_regex_match: {regex: 'a**'}}]"));
        assertEquals(m + "headers[0].range_match: range [5, 5) is empty: end is exclusive and must be greater than "
                + "start", matchError("headers: [{name: x, range_match: {start: 5, end: 5}}]"));
        assertEquals(m + "query_parameters[0].name: must not be empty",
                matchError("query_parameters: [{present_match: true}]"));
        assertEquals(m + "query_parameters[0].present_match: false is not supported: a query parameter matcher "
                + "cannot require absence", matchError("query_parameters: [{name: q, present_match: false}]"));
        assertEquals(m + "query_parameters[0].string_match.safe_regex.regex: invalid RE2 regex \"[\": missing "
                + "closing ]", matchError("query_parameters: [{name: q, string_match: {safe_regex: {regex: '['}}}]"));
    }

    private static String forwardError(String match, String action) throws Exception {
        return routeError("{match: " + match + ", route: " + action + "}");
    }

    @Test
    void forwardActionErrors() throws Exception {
        String a = "~.virtual_hosts[0].routes[0].route";
        assertEquals(a + ": one of cluster or weighted_clusters is required", forwardError("{prefix: /}", "{timeout: 1s}"));
        assertEquals(a + ".cluster: must not be empty", forwardError("{prefix: /}", "{cluster: ''}"));
        assertEquals(a + ".weighted_clusters.clusters: at least one cluster is required",
                forwardError("{prefix: /}", "{weighted_clusters: {}}"));
        assertEquals(a + ".weighted_clusters.clusters: sum of weights is 0; it must be between 1 and 4294967295",
                forwardError("{prefix: /}", "{weighted_clusters: {clusters: [{name: a, weight: 0}, {name: b}]}}"));
        assertEquals(a + ".weighted_clusters.clusters: sum of weights is 4294967296; it must be between 1 and "
                + "4294967295", forwardError("{prefix: /}",
                        "{weighted_clusters: {clusters: [{name: a, weight: 4294967295}, {name: b, weight: 1}]}}"));
        assertEquals(a + ".weighted_clusters.clusters[0].name: must not be empty",
                forwardError("{prefix: /}", "{weighted_clusters: {clusters: [{weight: 1}]}}"));
        assertEquals(a + ".prefix_rewrite: needs a prefix, path or path_separated_prefix match; this route matches "
                + "safe_regex (use regex_rewrite)",
                forwardError("{safe_regex: {regex: /a.*}}", "{cluster: c, prefix_rewrite: /b}"));
        assertEquals(a + ".prefix_rewrite: only one of prefix_rewrite and regex_rewrite may be set",
                forwardError("{prefix: /}",
                        "{cluster: c, prefix_rewrite: /b, regex_rewrite: {pattern: {regex: a}, substitution: b}}"));
        assertEquals(a + ".regex_rewrite.substitution: substitution refers to group \\2 but the pattern has 1 "
                + "capture group(s)", forwardError("{prefix: /}",
                        "{cluster: c, regex_rewrite: {pattern: {regex: '(a)'}, substitution: '\\2'}}"));
        assertEquals(a + ".regex_rewrite.pattern: is required",
                forwardError("{prefix: /}", "{cluster: c, regex_rewrite: {substitution: b}}"));
        assertEquals(a + ".timeout: must be a non-negative duration",
                forwardError("{prefix: /}", "{cluster: c, timeout: -1s}"));
        assertEquals(a + ".host_rewrite_literal: must be a non-empty host without CR, LF or NUL",
                forwardError("{prefix: /}", "{cluster: c, host_rewrite_literal: ''}"));
    }

    @Test
    void upgradeAndGrpcTimeoutErrors() throws Exception {
        String a = "~.virtual_hosts[0].routes[0].route";
        assertEquals(a + ".max_grpc_timeout: must be a non-negative duration",
                forwardError("{prefix: /}", "{cluster: c, max_grpc_timeout: -1s}"));
        assertEquals(a + ".upgrade_configs[0].connect_config: field is not supported by Outrigger (supported here: "
                + "enabled, upgrade_type)", forwardError("{prefix: /}",
                        "{cluster: c, upgrade_configs: [{upgrade_type: websocket, connect_config: {}}]}"));
        assertEquals(a + ".upgrade_configs[1].upgrade_type: upgrade type \"websocket\" is configured twice (also "
                + "upgrade_configs[0])", forwardError("{prefix: /}",
                        "{cluster: c, upgrade_configs: [{upgrade_type: websocket}, {upgrade_type: WebSocket}]}"));
        assertEquals(a + ".upgrade_configs[0].upgrade_type: h2c is not proxied as an upgrade: with codec_type AUTO "
                + "the connection manager itself switches a client that sends Upgrade: h2c to HTTP/2",
                forwardError("{prefix: /}", "{cluster: c, upgrade_configs: [{upgrade_type: H2C}]}"));
        assertEquals(a + ".upgrade_configs[0].upgrade_type: CONNECT is not supported yet",
                forwardError("{prefix: /}", "{cluster: c, upgrade_configs: [{upgrade_type: CONNECT}]}"));
        assertEquals(a + ".upgrade_configs[0].upgrade_type: required, e.g. websocket",
                forwardError("{prefix: /}", "{cluster: c, upgrade_configs: [{enabled: false}]}"));
        assertEquals(a + ".upgrade_configs[0].upgrade_type: \"a/b/c\" is not a valid Upgrade protocol name",
                forwardError("{prefix: /}", "{cluster: c, upgrade_configs: [{upgrade_type: a/b/c}]}"));
    }

    private static String redirectError(String match, String redirect) throws Exception {
        return routeError("{match: " + match + ", redirect: " + redirect + "}");
    }

    @Test
    void redirectErrors() throws Exception {
        String a = "~.virtual_hosts[0].routes[0].redirect";
        assertEquals(a + ".port_redirect: port 70000 is outside 1..65535",
                redirectError("{prefix: /}", "{port_redirect: 70000}"));
        assertEquals(a + ".scheme_redirect: \"ht tp\" is not a URI scheme",
                redirectError("{prefix: /}", "{scheme_redirect: ht tp}"));
        assertEquals(a + ".prefix_rewrite: needs a prefix, path or path_separated_prefix match; this route matches "
                + "safe_regex (use regex_rewrite)", redirectError("{safe_regex: {regex: /a}}", "{prefix_rewrite: /b}"));
        assertEquals(a + ".prefix_rewrite: must not be empty", redirectError("{prefix: /}", "{prefix_rewrite: ''}"));
        assertEquals(a + ".path_redirect: must be a non-empty path without CR, LF or NUL",
                redirectError("{prefix: /}", "{path_redirect: ''}"));
        assertEquals(a + ".host_redirect: \"a/b\" is not a host", redirectError("{prefix: /}", "{host_redirect: a/b}"));
        assertEquals(a + ".regex_rewrite.pattern.regex: invalid RE2 regex \"(\": missing closing )",
                redirectError("{prefix: /}", "{regex_rewrite: {pattern: {regex: '('}, substitution: x}}"));
    }

    private static String directError(String directResponse) throws Exception {
        return routeError("{match: {prefix: /}, direct_response: " + directResponse + "}");
    }

    @Test
    void directResponseErrors(@TempDir Path dir) throws Exception {
        String a = "~.virtual_hosts[0].routes[0].direct_response";
        assertEquals(a + ".status: status 100 is outside 200..599", directError("{status: 100}"));
        assertEquals(a + ".body.inline_bytes: body is not valid UTF-8",
                directError("{status: 200, body: {inline_bytes: /w==}}"));
        assertEquals(a + ".body.inline_string: body is 4097 bytes; the maximum is 4096",
                directError("{status: 200, body: {inline_string: " + "x".repeat(4097) + "}}"));
        Path missing = dir.resolve("missing.txt");
        assertEquals(a + ".body.filename: cannot read \"" + missing + "\": java.nio.file.NoSuchFileException: "
                + missing, directError("{status: 200, body: {filename: '" + missing + "'}}"));
    }

    private static String headerError(String option) throws Exception {
        return routeError("{match: {prefix: /}, route: {cluster: c}, request_headers_to_add: [" + option + "]}");
    }

    @Test
    void headerRuleErrors() throws Exception {
        String a = "~.virtual_hosts[0].routes[0].request_headers_to_add[0]";
        assertEquals(a + ".header.value: unsupported variable %START_TIME% " + VARIABLES,
                headerError("{header: {key: x-start, value: 't=%START_TIME%'}}"));
        assertEquals(a + ".header.value: '%' at offset 2 does not start a variable (write %% for a literal %)",
                headerError("{header: {key: x-p, value: '50%'}}"));
        assertEquals(a + ".header.value: must not contain CR, LF or NUL",
                headerError("{header: {key: x-p, value: \"a\\r\\nb: c\"}}"));
        assertEquals(a + ".header.key: pseudo-header :path cannot be modified by header rules",
                headerError("{header: {key: ':path', value: /x}}"));
        assertEquals(a + ".header.key: host cannot be modified by header rules (use host_rewrite_literal)",
                headerError("{header: {key: Host, value: x}}"));
        assertEquals(a + ".header.key: header name must not be empty", headerError("{header: {value: x}}"));
        assertEquals(a + ".header: is required", headerError("{append_action: ADD_IF_ABSENT}"));
        assertEquals(a + ".append: append and append_action cannot both be set (append is deprecated; use "
                + "append_action)",
                headerError("{header: {key: x, value: y}, append: true, append_action: ADD_IF_ABSENT}"));
        assertEquals("~.request_headers_to_remove[1]: pseudo-header :authority cannot be modified by header rules",
                error("request_headers_to_remove: [x-a, ':authority']"));
        assertEquals("~.virtual_hosts[0].response_headers_to_remove[0]: host cannot be modified by header rules (use "
                + "host_rewrite_literal)",
                error("virtual_hosts: [{name: v, domains: [a], response_headers_to_remove: [host]}]"));
        assertEquals("~.response_headers_to_add[0].header.value: unsupported variable %RESPONSE_CODE% " + VARIABLES,
                error("response_headers_to_add: [{header: {key: x-code, value: '%RESPONSE_CODE%'}}]"));
    }
}
