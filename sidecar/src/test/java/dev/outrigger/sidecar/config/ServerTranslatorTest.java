package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static dev.outrigger.sidecar.config.TestBootstraps.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.sidecar.snapshot.ServerSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerTranslatorTest {

    private static final String SETTINGS = "type.googleapis.com/outrigger.bootstrap.v1.SidecarSettings";

    @Test
    void emptyBootstrapGetsDefaults() throws Exception {
        BootstrapConfig config = BootstrapTranslator.translate(parse("{}"));
        ServerSettings s = config.server();

        assertEquals("", s.nodeId());
        assertEquals("", s.nodeCluster());
        assertEquals(ServerSettings.DEFAULT_ADMIN_ADDRESS, s.adminAddress());
        assertEquals(0, s.concurrency());
        assertEquals(ServerSettings.DEFAULT_DRAIN_TIMEOUT, s.drainTimeout());
        assertEquals(ServerSettings.Transport.AUTO, s.transport());
        assertTrue(config.snapshot().listeners().isEmpty());
        assertTrue(config.snapshot().clusters().isEmpty());
        assertEquals("static", config.snapshot().version());
    }

    @Test
    void nodeIdAndClusterAreKeptAndMetadataAndLocalityAccepted() throws Exception {
        ServerSettings s = BootstrapTranslator.translate(parse("""
                node:
                  id: checkout-7f9c
                  cluster: checkout
                  metadata: { team: payments }
                  locality: { zone: eu-west-1a }
                """)).server();
        assertEquals("checkout-7f9c", s.nodeId());
        assertEquals("checkout", s.nodeCluster());
    }

    @Test
    void otherNodeFieldsAreRejected() {
        assertRejected("node: { id: a, user_agent_name: envoy }\n", "node.user_agent_name",
                "field is not supported by Outrigger (supported here: cluster, id, locality, metadata)");
    }

    @Test
    void adminAddress() throws Exception {
        ServerSettings s = BootstrapTranslator.translate(parse(
                "admin: { address: { socket_address: { address: 127.0.0.2, port_value: 9901 } } }\n")).server();
        assertEquals(new InetSocketAddress("127.0.0.2", 9901), s.adminAddress());
    }

    @Test
    void adminWithoutAddressKeepsTheDefault() throws Exception {
        assertEquals(ServerSettings.DEFAULT_ADMIN_ADDRESS, BootstrapTranslator.translate(parse("admin: {}\n")).server().adminAddress());
    }

    @Test
    void adminMayUseAnEphemeralPort() throws Exception {
        ServerSettings s = BootstrapTranslator.translate(parse(
                "admin: { address: { socket_address: { address: \"::1\", port_value: 0 } } }\n")).server();
        assertEquals(new InetSocketAddress("::1", 0), s.adminAddress());
    }

    @Test
    void adminAccessLogAndProfilePathAreRejected() {
        assertRejected("admin: { profile_path: /tmp/prof }\n", "admin.profile_path",
                "field is not supported by Outrigger (supported here: address)");
        assertRejected("""
                admin:
                  access_log:
                  - name: envoy.access_loggers.stdout
                """, "admin.access_log", "field is not supported by Outrigger (supported here: address)");
    }

    @Test
    void adminHostnameIsRejected() {
        assertRejected("admin: { address: { socket_address: { address: localhost, port_value: 9901 } } }\n",
                "admin.address.socket_address.address",
                "\"localhost\" is not an IP address; the admin endpoint binds to an IP literal such as 127.0.0.1");
    }

    @Test
    void sidecarSettingsExtension() throws Exception {
        ServerSettings s = BootstrapTranslator.translate(parse("""
                bootstrap_extensions:
                - name: outrigger.sidecar
                  typed_config:
                    "@type": %s
                    concurrency: 4
                    drain_timeout: 2.5s
                    transport: EPOLL
                """.formatted(SETTINGS))).server();
        assertEquals(4, s.concurrency());
        assertEquals(Duration.ofMillis(2500), s.drainTimeout());
        assertEquals(ServerSettings.Transport.EPOLL, s.transport());
    }

    @Test
    void sidecarSettingsFieldsDefaultIndividually() throws Exception {
        ServerSettings s = BootstrapTranslator.translate(parse("""
                bootstrap_extensions:
                - name: outrigger.sidecar
                  typed_config: { "@type": %s, transport: NIO }
                """.formatted(SETTINGS))).server();
        assertEquals(0, s.concurrency());
        assertEquals(ServerSettings.DEFAULT_DRAIN_TIMEOUT, s.drainTimeout());
        assertEquals(ServerSettings.Transport.NIO, s.transport());
    }

    @Test
    void otherBootstrapExtensionsAreRejected() {
        assertRejected("""
                bootstrap_extensions:
                - name: envoy.bootstrap.internal_listener
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.bootstrap.internal_listener.v3.InternalListener
                """, "bootstrap_extensions[0]", "envoy.bootstrap.internal_listener is not supported"
                + " (the only bootstrap extension is outrigger.bootstrap.v1.SidecarSettings)");
    }

    @Test
    void sidecarSettingsTwiceIsRejected() {
        assertRejected("""
                bootstrap_extensions:
                - { name: a, typed_config: { "@type": %1$s } }
                - { name: b, typed_config: { "@type": %1$s } }
                """.formatted(SETTINGS), "bootstrap_extensions[1]",
                "outrigger.bootstrap.v1.SidecarSettings is already given at bootstrap_extensions[0]");
    }

    @Test
    void absurdConcurrencyIsRejected() {
        assertRejected("""
                bootstrap_extensions:
                - { name: a, typed_config: { "@type": %s, concurrency: 100000 } }
                """.formatted(SETTINGS), "bootstrap_extensions[0].typed_config.concurrency",
                "100000 is too many event-loop threads (at most 1024; 0 means one per processor)");
    }

    @Test
    void negativeDrainTimeoutIsRejected() {
        assertRejected("""
                bootstrap_extensions:
                - { name: a, typed_config: { "@type": %s, drain_timeout: -1.5s } }
                """.formatted(SETTINGS), "bootstrap_extensions[0].typed_config.drain_timeout",
                "must not be negative, got -1.5s");
    }

    @Test
    void unsupportedBootstrapFieldsAreRejected() {
        String supported = "field is not supported by Outrigger"
                + " (supported here: admin, bootstrap_extensions, dynamic_resources, node, static_resources)";
        assertRejected("stats_flush_interval: 5s\n", "stats_flush_interval", supported);
        assertRejected("dynamic_resources: { ads_config: { api_type: GRPC } }\n", "dynamic_resources.ads_config.grpc_services",
                "exactly one gRPC service is required, got 0");
        assertRejected("overload_manager: {}\n", "overload_manager", supported);
    }

    @Test
    void secretsAreNotSupportedYet() {
        assertRejected("static_resources:\n  secrets:\n  - name: cert\n", "static_resources.secrets",
                "secrets are not supported yet");
    }
}
