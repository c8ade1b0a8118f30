package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.TestBootstraps.indent;
import static dev.outrigger.sidecar.config.TestBootstraps.parse;

import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.xds.FieldPath;

/** Listener YAML for translator tests, built from chains and filters the way a bootstrap file nests them. */
final class ListenerYaml {

    /** The path of the listener in {@link #listener}. */
    static final String L0 = "static_resources.listeners[0]";

    static final String HCM_TYPE =
            "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
    static final String TCP_PROXY_TYPE = "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";
    static final String HTTP_INSPECTOR = """
            - name: envoy.filters.listener.http_inspector
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector
            """;
    static final String TLS_INSPECTOR = """
            - name: envoy.filters.listener.tls_inspector
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector
            """;

    private ListenerYaml() {
    }

    /** A bootstrap with one listener "in" on 127.0.0.1:15006 holding {@code lines}. */
    static String listener(String lines) {
        return """
                static_resources:
                  listeners:
                  - name: in
                    address: { socket_address: { address: 127.0.0.1, port_value: 15006 } }
                """ + indent(lines, 4);
    }

    /** A list entry of {@code lines}, e.g. a filter chain. */
    static String entry(String lines) {
        return "- " + indent(lines, 2).substring(2);
    }

    /** {@code filters:} with one HTTP connection manager whose stat_prefix is {@code statPrefix}. */
    static String http(String statPrefix) {
        return httpWith("stat_prefix: " + statPrefix + "\n");
    }

    /** {@code filters:} with one HTTP connection manager holding {@code hcmLines}, routes and router added. */
    static String httpWith(String hcmLines) {
        return "filters:\n- name: envoy.filters.network.http_connection_manager\n  typed_config:\n"
                + "    \"@type\": " + HCM_TYPE + "\n"
                + indent(hcmLines + TestBootstraps.ROUTES + TestBootstraps.ROUTER, 4);
    }

    /** {@code filters:} with one TCP proxy holding {@code tcpLines}. */
    static String tcp(String tcpLines) {
        return "filters:\n- name: envoy.filters.network.tcp_proxy\n  typed_config:\n"
                + "    \"@type\": " + TCP_PROXY_TYPE + "\n" + indent(tcpLines, 4);
    }

    /** The checked listener of {@code yaml}. */
    static ListenerTranslator.Draft draft(String yaml) throws Exception {
        return ListenerTranslator.translate(parse(yaml).getStaticResources().getListeners(0), FieldPath.of(L0));
    }

    /** The translated listener of {@code yaml}, routes included. */
    static ListenerConfig translate(String yaml) throws Exception {
        return BootstrapTranslator.translate(parse(yaml)).snapshot().listeners().get(0);
    }
}
