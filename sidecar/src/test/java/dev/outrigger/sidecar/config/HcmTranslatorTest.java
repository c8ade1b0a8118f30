package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.TestBootstraps.HCM;
import static dev.outrigger.sidecar.config.TestBootstraps.ROUTER;
import static dev.outrigger.sidecar.config.TestBootstraps.ROUTES;
import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static dev.outrigger.sidecar.config.TestBootstraps.parse;
import static dev.outrigger.sidecar.config.TestBootstraps.withHcm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig.Codec;
import dev.outrigger.sidecar.snapshot.Http2Settings;
import dev.outrigger.xds.FieldPath;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HcmTranslatorTest {

    private static final String LUA = """
            - name: envoy.filters.http.lua
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
                default_source_code: { inline_string: "function envoy_on_request(h) end" }
            """;

    @Test
    void mapsEveryField() throws Exception {
        HcmTranslator.Draft hcm = hcm("""
                stat_prefix: ingress_http
                codec_type: HTTP1
                common_http_protocol_options: { idle_timeout: 300s }
                max_request_headers_kb: 96
                generate_request_id: false
                preserve_external_request_id: true
                use_remote_address: true
                skip_xff_append: true
                server_name: edge
                """ + ROUTES + ROUTER);
        assertEquals("ingress_http", hcm.statPrefix());
        assertEquals(Codec.HTTP1, hcm.codec());
        assertEquals(Duration.ofMinutes(5), hcm.idleTimeout());
        assertEquals(96 * 1024, hcm.maxRequestHeadersBytes());
        assertFalse(hcm.generateRequestId());
        assertTrue(hcm.preserveExternalRequestId());
        assertTrue(hcm.useRemoteAddress());
        assertTrue(hcm.skipXffAppend());
        assertEquals("edge", hcm.serverName());
        assertEquals(List.of(), hcm.skippedOptionalFilters());
        assertEquals("local", hcm.routeConfig().getName());
        assertEquals(FieldPath.of(HCM + ".route_config"), hcm.routeConfigPath());
    }

    @Test
    void defaults() throws Exception {
        HcmTranslator.Draft hcm = hcm("stat_prefix: out\n" + ROUTES + ROUTER);
        assertEquals(Codec.AUTO, hcm.codec());
        assertEquals(HttpConnectionManagerConfig.DEFAULT_IDLE_TIMEOUT, hcm.idleTimeout());
        assertEquals(HttpConnectionManagerConfig.DEFAULT_MAX_REQUEST_HEADERS_BYTES, hcm.maxRequestHeadersBytes());
        assertTrue(hcm.generateRequestId());
        assertFalse(hcm.preserveExternalRequestId());
        assertFalse(hcm.useRemoteAddress());
        assertFalse(hcm.skipXffAppend());
        assertEquals(HttpConnectionManagerConfig.DEFAULT_SERVER_NAME, hcm.serverName());
    }

    @Test
    void explicitAutoCodecAndZeroIdleTimeout() throws Exception {
        HcmTranslator.Draft hcm = hcm("stat_prefix: out\ncodec_type: AUTO\n"
                + "common_http_protocol_options: { idle_timeout: 0s }\n" + ROUTES + ROUTER);
        assertEquals(Codec.AUTO, hcm.codec());
        assertEquals(Duration.ZERO, hcm.idleTimeout());
    }

    @Test
    void routerWithoutTypedConfigIsFoundByName() throws Exception {
        HcmTranslator.Draft hcm = hcm("stat_prefix: out\n" + ROUTES + "http_filters:\n- name: envoy.filters.http.router\n");
        assertEquals("out", hcm.statPrefix());
    }

    @Test
    void optionalUnsupportedFiltersAreSkippedAndRecorded() throws Exception {
        HcmTranslator.Draft hcm = hcm("stat_prefix: out\n" + ROUTES + "http_filters:\n"
                + LUA + "  is_optional: true\n"
                + "- name: envoy.filters.http.cors\n  is_optional: true\n"
                + ROUTER.substring("http_filters:\n".length()));
        assertEquals(List.of("envoy.filters.http.lua", "envoy.filters.http.cors"), hcm.skippedOptionalFilters());
    }

    @Test
    void unsupportedFilterIsRejectedAtItsPath() {
        String cors = "- name: envoy.filters.http.cors\n  is_optional: true\n";
        assertRejected(withHcm("stat_prefix: out\n" + ROUTES + "http_filters:\n" + cors + LUA
                        + ROUTER.substring("http_filters:\n".length())),
                HCM + ".http_filters[1]", "envoy.filters.http.lua is not supported (HTTP filters: "
                        + HttpFilterRegistry.known() + "); mark it is_optional to run without it");
    }

    @Test
    void routerMustBeLast() {
        assertRejected(withHcm("stat_prefix: out\n" + ROUTES + ROUTER + "- name: envoy.filters.http.cors\n  is_optional: true\n"),
                HCM + ".http_filters[0]", "envoy.filters.http.router must be the last HTTP filter");
        assertRejected(withHcm("stat_prefix: out\n" + ROUTES + "http_filters:\n" + LUA + "  is_optional: true\n"),
                HCM + ".http_filters[0]", "the last HTTP filter must be envoy.filters.http.router, not envoy.filters.http.lua");
        assertRejected(withHcm("stat_prefix: out\n" + ROUTES), HCM + ".http_filters",
                "the last HTTP filter must be envoy.filters.http.router (the list is empty)");
    }

    @Test
    void routerOptionsAreRejected() {
        assertRejected(withHcm("stat_prefix: out\n" + ROUTES + ROUTER + "    suppress_envoy_headers: true\n"),
                HCM + ".http_filters[0].typed_config.suppress_envoy_headers", "field is not supported by Outrigger");
    }

    @Test
    void disabledFiltersAreRejected() {
        assertRejected(withHcm("stat_prefix: out\n" + ROUTES + "http_filters:\n- name: envoy.filters.http.cors\n"
                        + "  disabled: true\n" + ROUTER.substring("http_filters:\n".length())),
                HCM + ".http_filters[0].disabled",
                "field is not supported by Outrigger (supported here: is_optional, name, typed_config)");
    }

    @Test
    void statPrefixIsRequired() {
        assertRejected(withHcm(ROUTES + ROUTER), HCM + ".stat_prefix",
                "required, as in Envoy (it prefixes this listener's HTTP statistics)");
    }

    @Test
    void routeConfigIsRequired() {
        assertRejected(withHcm("stat_prefix: out\n" + ROUTER), HCM + ".route_config",
                "required: give the routes inline, or name them with rds");
    }

    @Test
    void rdsNeedsAdsAndScopedRoutesAreNotSupported() {
        assertRejected(withHcm("stat_prefix: out\nrds: { route_config_name: r, config_source: { ads: {} } }\n" + ROUTER),
                HCM + ".rds", "rds needs dynamic_resources.ads_config: routes come over ADS");
        assertRejected(withHcm("stat_prefix: out\nrds: { route_config_name: r, config_source: { path: /x } }\n"
                + ROUTER), HCM + ".rds.config_source.path", "only ads is supported: every dynamic resource comes "
                + "over the ADS stream of dynamic_resources.ads_config");
        assertRejected(withHcm("stat_prefix: out\nrds: { config_source: { ads: {} } }\n" + ROUTER),
                HCM + ".rds.route_config_name", "required");
        assertRejected(withHcm("stat_prefix: out\nscoped_routes: { name: s }\n" + ROUTER),
                HCM + ".scoped_routes", "scoped_routes is not supported; give the routes in route_config or by rds");
    }

    @Test
    void http2CodecIsSupportedAndHttp3IsNot() throws Exception {
        assertEquals(Codec.HTTP2, hcm("stat_prefix: out\ncodec_type: HTTP2\n" + ROUTES + ROUTER).codec());
        assertRejected(withHcm("stat_prefix: out\ncodec_type: HTTP3\n" + ROUTES + ROUTER), HCM + ".codec_type",
                "HTTP3 is not supported yet (AUTO, HTTP1 or HTTP2)");
    }

    @Test
    void http2ProtocolOptions() throws Exception {
        HcmTranslator.Draft hcm = hcm("""
                stat_prefix: out
                codec_type: HTTP2
                http2_protocol_options:
                  max_concurrent_streams: 100
                  initial_stream_window_size: 65535
                  initial_connection_window_size: 2147483647
                """ + ROUTES + ROUTER);
        assertEquals(new Http2Settings(100, 65_535, Integer.MAX_VALUE), hcm.http2());
        assertEquals(new Http2Settings(7, 65_536, 1_048_576),
                hcm("stat_prefix: out\nhttp2_protocol_options: { max_concurrent_streams: 7 }\n" + ROUTES + ROUTER)
                        .http2(), "AUTO takes HTTP/2 options too; unset ones keep Outrigger's defaults");
        assertEquals(Http2Settings.DEFAULTS,
                hcm("stat_prefix: out\nhttp2_protocol_options: {}\n" + ROUTES + ROUTER).http2());
    }

    @Test
    void http2DefaultsAreOutriggersNotEnvoys() throws Exception {
        HcmTranslator.Draft hcm = hcm("stat_prefix: out\n" + ROUTES + ROUTER);
        assertEquals(Http2Settings.DEFAULTS, hcm.http2());
        assertEquals(new Http2Settings(1024, 65_536, 1_048_576), Http2Settings.DEFAULTS);
    }

    @Test
    void http2OptionRanges() {
        String p = HCM + ".http2_protocol_options.";
        assertRejected(withHcm("stat_prefix: out\nhttp2_protocol_options: { max_concurrent_streams: 0 }\n"
                + ROUTES + ROUTER), p + "max_concurrent_streams", "0 is out of range 1..2147483647");
        assertRejected(withHcm("stat_prefix: out\nhttp2_protocol_options: { max_concurrent_streams: 2147483648 }\n"
                + ROUTES + ROUTER), p + "max_concurrent_streams", "2147483648 is out of range 1..2147483647");
        assertRejected(withHcm("stat_prefix: out\nhttp2_protocol_options: { initial_stream_window_size: 65534 }\n"
                + ROUTES + ROUTER), p + "initial_stream_window_size", "65534 is out of range 65535..2147483647");
        assertRejected(withHcm("stat_prefix: out\nhttp2_protocol_options:"
                        + " { initial_connection_window_size: 4294967295 }\n" + ROUTES + ROUTER),
                p + "initial_connection_window_size", "4294967295 is out of range 65535..2147483647");
    }

    @Test
    void otherHttp2OptionsAreRejected() {
        assertRejected(withHcm("stat_prefix: out\nhttp2_protocol_options: { allow_connect: true }\n" + ROUTES + ROUTER),
                HCM + ".http2_protocol_options.allow_connect", "field is not supported by Outrigger (supported here:"
                        + " initial_connection_window_size, initial_stream_window_size, max_concurrent_streams)");
        assertRejected(withHcm("stat_prefix: out\nhttp2_protocol_options: { hpack_table_size: 0 }\n" + ROUTES + ROUTER),
                HCM + ".http2_protocol_options.hpack_table_size", "field is not supported by Outrigger (supported"
                        + " here: initial_connection_window_size, initial_stream_window_size, max_concurrent_streams)");
    }

    @Test
    void http2OptionsWithTheHttp1CodecAreRejected() {
        assertRejected(withHcm("stat_prefix: out\ncodec_type: HTTP1\nhttp2_protocol_options: {}\n" + ROUTES + ROUTER),
                HCM + ".http2_protocol_options", "has no effect with codec_type HTTP1; use AUTO or HTTP2, or remove it");
    }

    @Test
    void upgradeConfigsEnableTheirTypes() throws Exception {
        HcmTranslator.Draft hcm = hcm("""
                stat_prefix: out
                upgrade_configs:
                - upgrade_type: WebSocket
                - upgrade_type: spdy/3
                  enabled: false
                - upgrade_type: my-proto
                  enabled: true
                """ + ROUTES + ROUTER);
        assertEquals(Set.of("websocket", "my-proto"), hcm.upgradeTypes());
        assertEquals(Set.of(), hcm("stat_prefix: out\n" + ROUTES + ROUTER).upgradeTypes());
    }

    @Test
    void upgradeConfigErrors() {
        String at = HCM + ".upgrade_configs";
        assertRejected(withHcm("stat_prefix: out\nupgrade_configs: [ { upgrade_type: h2c } ]\n" + ROUTES + ROUTER),
                at + "[0].upgrade_type", "h2c is not proxied as an upgrade: with codec_type AUTO the connection"
                        + " manager itself switches a client that sends Upgrade: h2c to HTTP/2");
        assertRejected(withHcm("stat_prefix: out\nupgrade_configs: [ { upgrade_type: CONNECT } ]\n" + ROUTES + ROUTER),
                at + "[0].upgrade_type", "CONNECT is not supported yet");
        assertRejected(withHcm("stat_prefix: out\nupgrade_configs: [ { enabled: true } ]\n" + ROUTES + ROUTER),
                at + "[0].upgrade_type", "required, e.g. websocket");
        assertRejected(withHcm("stat_prefix: out\nupgrade_configs: [ { upgrade_type: \"web socket\" } ]\n"
                + ROUTES + ROUTER), at + "[0].upgrade_type", "\"web socket\" is not a valid Upgrade protocol name");
        assertRejected(withHcm("stat_prefix: out\nupgrade_configs: [ { upgrade_type: websocket },"
                        + " { upgrade_type: WEBSOCKET, enabled: false } ]\n" + ROUTES + ROUTER),
                at + "[1].upgrade_type", "upgrade type \"websocket\" is configured twice (also upgrade_configs[0])");
        assertRejected(withHcm("stat_prefix: out\nupgrade_configs: [ { upgrade_type: websocket, filters: ["
                        + " { name: envoy.filters.http.router } ] } ]\n" + ROUTES + ROUTER),
                at + "[0].filters", "field is not supported by Outrigger (supported here: enabled, upgrade_type)");
    }

    @Test
    void maxRequestHeadersKbRange() {
        assertRejected(withHcm("stat_prefix: out\nmax_request_headers_kb: 0\n" + ROUTES + ROUTER),
                HCM + ".max_request_headers_kb", "0 is out of range 1..8192");
        assertRejected(withHcm("stat_prefix: out\nmax_request_headers_kb: 8193\n" + ROUTES + ROUTER),
                HCM + ".max_request_headers_kb", "8193 is out of range 1..8192");
    }

    @Test
    void negativeIdleTimeoutIsRejected() {
        assertRejected(withHcm("stat_prefix: out\ncommon_http_protocol_options: { idle_timeout: -1s }\n" + ROUTES + ROUTER),
                HCM + ".common_http_protocol_options.idle_timeout", "must not be negative, got -1s");
    }

    @Test
    void otherProtocolOptionsAreRejected() {
        assertRejected(withHcm("stat_prefix: out\ncommon_http_protocol_options: { max_headers_count: 50 }\n"
                        + ROUTES + ROUTER),
                HCM + ".common_http_protocol_options.max_headers_count",
                "field is not supported by Outrigger (supported here: idle_timeout)");
    }

    @Test
    void unsupportedHcmFieldsAreNamed() {
        assertRejected(withHcm("stat_prefix: out\nstream_idle_timeout: 10s\n" + ROUTES + ROUTER),
                HCM + ".stream_idle_timeout", "field is not supported by Outrigger (supported here: access_log, codec_type,"
                        + " common_http_protocol_options, forward_client_cert_details, generate_request_id,"
                        + " http2_protocol_options, http_filters,"
                        + " max_request_headers_kb, preserve_external_request_id, rds, route_config, server_name,"
                        + " set_current_client_cert_details, skip_xff_append, stat_prefix, upgrade_configs,"
                        + " use_remote_address, xff_num_trusted_hops)");
    }

    private static final String ACCESS_LOG = """
            access_log:
            - name: file
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                path: /var/log/outrigger/access.log
                log_format: { text_format_source: { inline_string: "%REQ(:METHOD)% %RESPONSE_CODE%\\n" } }
            - name: stdout
              typed_config: { "@type": type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog }
            """;

    @Test
    void accessLogsAreTranslatedAndCompared() throws Exception {
        HcmTranslator.Draft hcm = hcm("stat_prefix: in\n" + ACCESS_LOG + ROUTES + ROUTER);
        assertEquals(2, hcm.accessLogs().size());
        assertEquals("file", hcm.accessLogs().get(0).name());
        assertEquals(dev.outrigger.sidecar.accesslog.AccessLogTarget.file(java.nio.file.Path.of(
                "/var/log/outrigger/access.log")), hcm.accessLogs().get(0).target());
        assertEquals(dev.outrigger.sidecar.accesslog.AccessLogTarget.STDOUT, hcm.accessLogs().get(1).target());
        assertEquals(dev.outrigger.sidecar.accesslog.TextFormat.ENVOY_DEFAULT, hcm.accessLogs().get(1).format());
        // Config diffing: the same access logs translated twice are equal; another format is not.
        assertEquals(hcm, hcm("stat_prefix: in\n" + ACCESS_LOG + ROUTES + ROUTER));
        assertFalse(hcm.equals(hcm("stat_prefix: in\n" + ACCESS_LOG.replace("%RESPONSE_CODE%", "%DURATION%")
                + ROUTES + ROUTER)));
        assertEquals(List.of(), hcm("stat_prefix: in\n" + ROUTES + ROUTER).accessLogs());
    }

    @Test
    void anInvalidAccessLogFormatIsRejectedWithItsPath() {
        assertRejected(withHcm("stat_prefix: in\n" + ACCESS_LOG.replace("%RESPONSE_CODE%", "%UPSTREAM_LOCAL_ADDRESS%")
                + ROUTES + ROUTER), HCM + ".access_log[0].typed_config.log_format.text_format_source",
                "unknown command operator %UPSTREAM_LOCAL_ADDRESS%: not one Outrigger supports "
                        + "(docs/observability.md lists them)");
    }

    private static HcmTranslator.Draft hcm(String lines) throws Exception {
        var listener = parse(withHcm(lines)).getStaticResources().getListeners(0);
        return ListenerTranslator.translate(listener, FieldPath.ROOT.field("static_resources").field("listeners").index(0))
                .chains().get(0).http();
    }
}
