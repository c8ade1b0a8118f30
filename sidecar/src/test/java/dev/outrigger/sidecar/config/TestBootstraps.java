package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.xds.BootstrapLoader;
import dev.outrigger.xds.ConfigFileException;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Bootstraps for translator tests, written the way operators write them: as YAML. */
final class TestBootstraps {

    /** What the placeholder RouteConfigTranslator answers until the route translator lands. */
    static final String ROUTES_PENDING = "route_config translation is being built";

    /** The path of the HTTP connection manager of listener 0 in {@link #withHcm}. */
    static final String HCM = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config";

    private static final String HCM_TYPE =
            "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";

    /** A minimal valid route configuration, as HCM lines. */
    static final String ROUTES = """
            route_config:
              name: local
              virtual_hosts:
              - name: all
                domains: ["*"]
                routes:
                - match: { prefix: "/" }
                  route: { cluster: demo }
            """;

    /** The router as the only HTTP filter, as HCM lines. */
    static final String ROUTER = """
            http_filters:
            - name: envoy.filters.http.router
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
            """;

    /** A STATIC cluster "demo" with one endpoint, as a static_resources.clusters entry. */
    static final String DEMO_CLUSTER = """
            - name: demo
              load_assignment:
                endpoints:
                - lb_endpoints:
                  - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 8081 } } }
            """;

    private TestBootstraps() {
    }

    /** Parses YAML with the real loader, so tests see exactly what a file would give. */
    static Bootstrap parse(String yaml) {
        try {
            return BootstrapLoader.parse(Path.of("test.yaml"), yaml).bootstrap();
        } catch (ConfigFileException e) {
            throw new AssertionError("test YAML does not load: " + e.getMessage(), e);
        }
    }

    /** A bootstrap with one listener on 127.0.0.1:15001 whose HCM holds {@code hcmLines}. */
    static String withHcm(String hcmLines) {
        return """
                static_resources:
                  listeners:
                  - name: outbound
                    address: { socket_address: { address: 127.0.0.1, port_value: 15001 } }
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": %s
                """.formatted(HCM_TYPE) + indent(hcmLines, 10);
    }

    /** {@code static_resources} with the given cluster entries. */
    static String withClusters(String clusterEntries) {
        return "static_resources:\n  clusters:\n" + indent(clusterEntries, 2);
    }

    /** Asserts that translating {@code yaml} fails at {@code path} for {@code reason}. */
    static void assertRejected(String yaml, String path, String reason) {
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class,
                () -> BootstrapTranslator.translate(parse(yaml)));
        assertEquals(path + ": " + reason, e.getMessage());
    }

    /**
     * Translates a bootstrap that has listeners. Until the route translator is merged, the
     * placeholder rejects every route_config; the test is then skipped (reported as aborted),
     * not passed, and runs for real once routes translate.
     */
    static BootstrapConfig translateWithRoutes(Bootstrap bootstrap) throws ResourceInvalidException {
        try {
            return BootstrapTranslator.translate(bootstrap);
        } catch (ResourceInvalidException e) {
            Assumptions.assumeFalse(e.reason().equals(ROUTES_PENDING),
                    "needs RouteConfigTranslator, which is being built on another branch");
            throw e;
        }
    }

    static String indent(String text, int spaces) {
        String pad = " ".repeat(spaces);
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                sb.append(pad).append(line);
            }
            sb.append('\n');
        }
        return sb.toString().replaceAll("\n+$", "\n");
    }
}
