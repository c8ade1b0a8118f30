package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import dev.outrigger.sidecar.accesslog.AccessLogConfig;
import dev.outrigger.sidecar.accesslog.AccessLogEntry;
import dev.outrigger.sidecar.accesslog.AccessLogFilter;
import dev.outrigger.sidecar.accesslog.AccessLogFilter.Op;
import dev.outrigger.sidecar.accesslog.AccessLogTarget;
import dev.outrigger.sidecar.accesslog.JsonFormat;
import dev.outrigger.sidecar.accesslog.LogFormat;
import dev.outrigger.sidecar.accesslog.TextFormat;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StderrAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessLogTranslatorTest {

    private static final String AT = "access_log";

    private static Any file(String yaml) {
        FileAccessLog file = ProtoYaml.parse(yaml, FileAccessLog.newBuilder());
        return Any.pack(file);
    }

    private static Any stdout(String yaml) {
        StdoutAccessLog stdout = ProtoYaml.parse(yaml, StdoutAccessLog.newBuilder());
        return Any.pack(stdout);
    }

    /** An access log: {@code yaml} gives name and filter, {@code typed} the logger. */
    private static AccessLog log(String yaml, Any typed) {
        AccessLog.Builder b = AccessLog.newBuilder();
        ProtoYaml.parse(yaml, b);
        return typed == null ? b.build() : b.setTypedConfig(typed).build();
    }

    private static List<AccessLogConfig> translate(AccessLog... logs) throws ResourceInvalidException {
        return AccessLogTranslator.translate(List.of(logs), FieldPath.of(AT));
    }

    private static AccessLogConfig one(AccessLog log) throws ResourceInvalidException {
        return translate(log).get(0);
    }

    private static void assertRejected(AccessLog log, String path, String reason) {
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class, () -> translate(log));
        assertEquals(AT + "[0]" + path, e.path().toString(), e.getMessage());
        assertEquals(reason, e.reason());
    }

    private static String line(LogFormat format, AccessLogEntry entry) {
        StringBuilder out = new StringBuilder();
        format.format(entry, out);
        return out.toString();
    }

    @Test
    void aFileWithAFormatString() throws Exception {
        AccessLogConfig c = one(log("name: envoy.access_loggers.file", file("""
                path: /var/log/outrigger/access.log
                log_format:
                  text_format_source:
                    inline_string: "%RESPONSE_CODE% %DYNAMIC_METADATA(envoy.filters.http.rbac:enforced_effective_policy_id)%\\n"
                """)));
        assertEquals("envoy.access_loggers.file", c.name());
        assertEquals(AccessLogTarget.file(Path.of("/var/log/outrigger/access.log")), c.target());
        assertNull(c.filter());
        assertEquals("403 deny-all\n", line(c.format(), new AccessLogEntry().responseCode(403)
                .metadata("envoy.filters.http.rbac", "enforced_effective_policy_id", "deny-all")));
    }

    @Test
    void withoutAFormatEnvoysDefaultIsUsed() throws Exception {
        assertEquals(TextFormat.ENVOY_DEFAULT, one(log("", file("path: /tmp/a.log"))).format());
        assertEquals(TextFormat.ENVOY_DEFAULT, one(log("", stdout(""))).format());
        AccessLogConfig stderr = one(log("", Any.pack(StderrAccessLog.getDefaultInstance())));
        assertEquals(AccessLogTarget.STDERR, stderr.target());
        assertEquals(TextFormat.ENVOY_DEFAULT, stderr.format());
    }

    @Test
    void devStdoutIsStandardOutput() throws Exception {
        assertEquals(AccessLogTarget.STDOUT, one(log("", file("path: /dev/stdout"))).target());
        assertEquals(AccessLogTarget.STDOUT, one(log("", stdout(""))).target());
    }

    @Test
    void aJsonFormatWithNestedObjectsAndConstants() throws Exception {
        AccessLogConfig c = one(log("", stdout("""
                log_format:
                  omit_empty_values: false
                  json_format:
                    status: "%RESPONSE_CODE%"
                    request: "%REQ(:METHOD)% %REQ(:PATH)%"
                    upstream: { cluster: "%UPSTREAM_CLUSTER%", host: "%UPSTREAM_HOST%" }
                    version: 2
                    sampled: true
                """)));
        assertInstanceOf(JsonFormat.class, c.format());
        assertEquals("{\"request\":\"GET /\",\"sampled\":true,\"status\":200,\"upstream\":{\"cluster\":\"web\","
                + "\"host\":null},\"version\":2}\n", line(c.format(), new AccessLogEntry().responseCode(200)
                .method("GET").path("/").upstreamCluster("web")));
    }

    @Test
    void theDeprecatedTextFormatInlineBytesAndOmitEmptyValues() throws Exception {
        AccessLogConfig text = one(log("", stdout("log_format: { text_format: \"%ROUTE_NAME%|\\n\", "
                + "omit_empty_values: true }")));
        assertEquals("|\n", line(text.format(), new AccessLogEntry()));
        AccessLogConfig bytes = one(log("", stdout("log_format: { text_format_source: { inline_bytes: "
                + "\"JVJPVVRFX05BTUUlCg==\" } }")));
        assertEquals("r1\n", line(bytes.format(), new AccessLogEntry().routeName("r1")));
    }

    @Test
    void everySupportedFilter() throws Exception {
        AccessLogConfig c = one(log("""
                filter:
                  or_filter:
                    filters:
                    - and_filter:
                        filters:
                        - status_code_filter: { comparison: { op: GE, value: { default_value: 500, runtime_key: rk } } }
                        - response_flag_filter: { flags: [UH, rbac_denied] }
                    - duration_filter: { comparison: { op: LE, value: { default_value: 5, runtime_key: d } } }
                    - not_health_check_filter: {}
                """, stdout("")));
        assertEquals(new AccessLogFilter.Or(List.of(
                new AccessLogFilter.And(List.of(
                        new AccessLogFilter.StatusCode(Op.GE, 500),
                        new AccessLogFilter.ResponseFlag(Set.of("no_healthy_upstream", "rbac_denied")))),
                new AccessLogFilter.Duration(Op.LE, 5),
                new AccessLogFilter.NotHealthCheck())), c.filter());
        AccessLogConfig any = one(log("filter: { response_flag_filter: {} }", stdout("")));
        assertEquals(new AccessLogFilter.ResponseFlag(Set.of()), any.filter());
        AccessLogConfig eq = one(log("filter: { status_code_filter: { comparison: { value: { default_value: 404, "
                + "runtime_key: k } } } }", stdout("")));
        assertEquals(new AccessLogFilter.StatusCode(Op.EQ, 404), eq.filter());
    }

    @Test
    void severalLogsKeepTheirOrder() throws Exception {
        List<AccessLogConfig> logs = translate(log("name: a", stdout("")), log("name: b", file("path: /tmp/b")));
        assertEquals(List.of("a", "b"), logs.stream().map(AccessLogConfig::name).toList());
    }

    @Test
    void aLoggerIsRequired() {
        assertRejected(log("name: x", null), ".typed_config", "required: a envoy.extensions.access_loggers.file.v3."
                + "FileAccessLog, envoy.extensions.access_loggers.stream.v3.StdoutAccessLog or "
                + "envoy.extensions.access_loggers.stream.v3.StderrAccessLog");
    }

    @Test
    void otherLoggersAreRejected() {
        assertRejected(log("", Any.pack(HttpGrpcAccessLogConfig.getDefaultInstance())), ".typed_config",
                "envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig is not supported (access loggers: "
                        + "envoy.extensions.access_loggers.file.v3.FileAccessLog, "
                        + "envoy.extensions.access_loggers.stream.v3.StdoutAccessLog, "
                        + "envoy.extensions.access_loggers.stream.v3.StderrAccessLog)");
    }

    @Test
    void aFileNeedsAUsablePath() {
        assertRejected(log("", file("log_format: { text_format: x }")), ".typed_config.path",
                "required: the file to append to (or /dev/stdout)");
        assertRejected(log("", Any.pack(FileAccessLog.newBuilder().setPath("a\0b").build())), ".typed_config.path",
                "not a file name: Nul character not allowed");
    }

    @Test
    void deprecatedAndUnknownFormatFieldsAreRejected() {
        assertRejected(log("", file("path: /tmp/a\nformat: \"%DURATION%\"")), ".typed_config.format",
                "field is not supported by Outrigger (supported here: log_format, path)");
        assertRejected(log("", stdout("log_format: { text_format: x, content_type: text/plain }")),
                ".typed_config.log_format.content_type", "field is not supported by Outrigger (supported here: "
                        + "json_format, omit_empty_values, text_format, text_format_source)");
        assertRejected(log("", stdout("log_format: { omit_empty_values: true }")), ".typed_config.log_format",
                "required: text_format_source (a format string) or json_format");
    }

    @Test
    void anUnknownOperatorIsNamed() {
        assertRejected(log("", file("path: /tmp/a\nlog_format: { text_format_source: { inline_string: "
                + "\"%START_TIME% %UPSTREAM_LOCAL_ADDRESS%\" } }")), ".typed_config.log_format.text_format_source",
                "unknown command operator %UPSTREAM_LOCAL_ADDRESS%: not one Outrigger supports "
                        + "(docs/observability.md lists them)");
        assertRejected(log("", stdout("log_format: { text_format_source: { inline_string: \"\" } }")),
                ".typed_config.log_format.text_format_source",
                "empty: give a format string, or leave log_format out for Envoy's default");
        assertRejected(log("", stdout("log_format: { text_format_source: { filename: /etc/format } }")),
                ".typed_config.log_format.text_format_source.filename",
                "not supported: give the format inline (inline_string)");
    }

    @Test
    void aBadJsonValueIsNamedByItsKeys() {
        assertRejected(log("", stdout("log_format: { json_format: { upstream: { host: \"%UPSTREAM_HOSTS%\" } } }")),
                ".typed_config.log_format.json_format[\"upstream\"][\"host\"]",
                "unknown command operator %UPSTREAM_HOSTS%: not one Outrigger supports "
                        + "(docs/observability.md lists them)");
        assertRejected(log("", stdout("log_format: { json_format: { tags: [a, b] } }")),
                ".typed_config.log_format.json_format[\"tags\"]",
                "a list is not supported: give a format string or an object");
        assertRejected(log("", stdout("log_format: { json_format: {} }")), ".typed_config.log_format.json_format",
                "empty: give at least one field");
    }

    @Test
    void unsupportedFiltersAreNamed() {
        assertRejected(log("filter: { header_filter: { header: { name: x, present_match: true } } }", stdout("")),
                ".filter.header_filter", "not supported (supported: status_code_filter, duration_filter, "
                        + "not_health_check_filter, response_flag_filter, and_filter, or_filter)");
        assertRejected(log("filter: { and_filter: { filters: [ { not_health_check_filter: {} }, "
                        + "{ grpc_status_filter: {} } ] } }", stdout("")),
                ".filter.and_filter.filters[1].grpc_status_filter", "not supported (supported: status_code_filter, "
                        + "duration_filter, not_health_check_filter, response_flag_filter, and_filter, or_filter)");
    }

    @Test
    void badFilterValuesAreNamed() {
        assertRejected(log("filter: { or_filter: { filters: [ { not_health_check_filter: {} } ] } }", stdout("")),
                ".filter.or_filter.filters", "needs at least 2 filters, as in Envoy (got 1)");
        assertRejected(log("filter: { response_flag_filter: { flags: [UH, UAEX] } }", stdout("")),
                ".filter.response_flag_filter.flags[1]", "\"UAEX\" is not a flag Outrigger sets: give an Envoy flag "
                        + "with an Outrigger equivalent (DPE, NC, NR, RL, RLSE, UC, UF, UH, UO, UPE, UR, UT) or an Outrigger "
                        + "reason code such as rbac_denied (docs/observability.md lists them)");
        assertRejected(log("filter: { status_code_filter: { comparison: { op: GE } } }", stdout("")),
                ".filter.status_code_filter.comparison.value", "required");
        assertRejected(log("filter: {}", stdout("")), ".filter", "required: one filter kind (status_code_filter, "
                + "duration_filter, not_health_check_filter, response_flag_filter, and_filter, or_filter)");
    }
}
