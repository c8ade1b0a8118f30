package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.ListenerYaml.HTTP_INSPECTOR;
import static dev.outrigger.sidecar.config.ListenerYaml.L0;
import static dev.outrigger.sidecar.config.ListenerYaml.TLS_INSPECTOR;
import static dev.outrigger.sidecar.config.ListenerYaml.draft;
import static dev.outrigger.sidecar.config.ListenerYaml.entry;
import static dev.outrigger.sidecar.config.ListenerYaml.tcp;
import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.outrigger.sidecar.listener.ProtocolDetection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** listener_filters, listener_filters_timeout and continue_on_listener_filters_timeout. */
class ListenerFiltersTranslatorTest {

    private static final String CHAIN = "filter_chains:\n" + entry(tcp("stat_prefix: t\ncluster: c\n"));
    private static final String FILTERS = L0 + ".listener_filters";
    private static final String ONLY = " is not supported (only envoy.filters.listener.http_inspector and"
            + " envoy.filters.listener.tls_inspector)";

    private static String listener(String lines) {
        return ListenerYaml.listener(lines + CHAIN);
    }

    private static ProtocolDetection detection(String lines) throws Exception {
        return draft(listener(lines)).detection();
    }

    @Test
    void bothInspectorsWithOutriggersDefaultTimeout() throws Exception {
        assertEquals(new ProtocolDetection(true, true, ProtocolDetection.DEFAULT_TIMEOUT),
                detection("listener_filters:\n" + TLS_INSPECTOR + HTTP_INSPECTOR));
        assertEquals(Duration.ofMillis(100), ProtocolDetection.DEFAULT_TIMEOUT);
    }

    @Test
    void oneInspectorAndAnExplicitTimeout() throws Exception {
        assertEquals(new ProtocolDetection(true, false, Duration.ofSeconds(1)), detection("listener_filters:\n"
                + HTTP_INSPECTOR + "listener_filters_timeout: 1s\ncontinue_on_listener_filters_timeout: true\n"));
        assertEquals(new ProtocolDetection(false, true, Duration.ofMillis(250)),
                detection("listener_filters:\n" + TLS_INSPECTOR + "listener_filters_timeout: 0.25s\n"));
    }

    @Test
    void zeroTimeoutWaitsForever() throws Exception {
        assertEquals(Duration.ZERO,
                detection("listener_filters:\n" + HTTP_INSPECTOR + "listener_filters_timeout: 0s\n").timeout());
    }

    @Test
    void negativeTimeoutIsRejected() {
        assertRejected(listener("listener_filters:\n" + HTTP_INSPECTOR + "listener_filters_timeout: -1s\n"),
                L0 + ".listener_filters_timeout", "must not be negative, got -1s");
    }

    @Test
    void inspectorsWithoutTypedConfigAreFoundByName() throws Exception {
        assertEquals(new ProtocolDetection(true, true, ProtocolDetection.DEFAULT_TIMEOUT), detection(
                "listener_filters:\n- name: envoy.filters.listener.http_inspector\n"
                        + "- name: envoy.filters.listener.tls_inspector\n"));
    }

    @Test
    void theTypeNotTheNameSelectsTheInspector() throws Exception {
        assertEquals(new ProtocolDetection(false, true, ProtocolDetection.DEFAULT_TIMEOUT), detection(
                "listener_filters:\n" + TLS_INSPECTOR.replace("name: envoy.filters.listener.tls_inspector",
                        "name: envoy.filters.listener.http_inspector")));
    }

    @Test
    void noListenerFiltersMeansNoDetection() throws Exception {
        assertNull(detection(""));
        assertNull(detection("listener_filters: []\n"));
    }

    @Test
    void timeoutSettingsNeedListenerFilters() {
        assertRejected(listener("listener_filters_timeout: 1s\n"), L0 + ".listener_filters_timeout",
                "has no effect without listener_filters");
        assertRejected(listener("continue_on_listener_filters_timeout: true\n"),
                L0 + ".continue_on_listener_filters_timeout", "has no effect without listener_filters");
    }

    @Test
    void otherListenerFiltersAreRejected() {
        assertRejected(listener("""
                listener_filters:
                - name: envoy.filters.listener.original_dst
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst
                """), FILTERS + "[0]", "envoy.filters.listener.original_dst"
                + " (envoy.extensions.filters.listener.original_dst.v3.OriginalDst)" + ONLY);
        assertRejected(listener("listener_filters:\n" + HTTP_INSPECTOR
                        + "- name: envoy.filters.listener.proxy_protocol\n"),
                FILTERS + "[1]", "envoy.filters.listener.proxy_protocol" + ONLY);
    }

    @Test
    void anInspectorListedTwiceIsRejected() {
        assertRejected(listener("listener_filters:\n" + HTTP_INSPECTOR + TLS_INSPECTOR
                        + "- name: envoy.filters.listener.http_inspector\n"),
                FILTERS + "[2]", "envoy.filters.listener.http_inspector is listed twice (also listener_filters[0])");
    }

    @Test
    void tlsInspectorOptionsAreRejected() {
        assertRejected(listener("listener_filters:\n" + TLS_INSPECTOR + "    enable_ja3_fingerprinting: true\n"),
                FILTERS + "[0].typed_config.enable_ja3_fingerprinting", "field is not supported by Outrigger");
    }

    @Test
    void disabledAndDiscoveredFiltersAreRejected() {
        assertRejected(listener("listener_filters:\n" + HTTP_INSPECTOR + "  filter_disabled: { any_match: true }\n"),
                FILTERS + "[0].filter_disabled", "field is not supported by Outrigger (supported here: name,"
                        + " typed_config)");
    }

    @Test
    void nameIsRequired() {
        assertRejected(listener("listener_filters:\n- typed_config:\n    \"@type\": "
                        + "type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector\n"),
                FILTERS + "[0].name", "required, e.g. envoy.filters.listener.http_inspector");
    }
}
