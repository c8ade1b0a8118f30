package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.TestBootstraps.DEMO_CLUSTER;
import static dev.outrigger.sidecar.config.TestBootstraps.ROUTER;
import static dev.outrigger.sidecar.config.TestBootstraps.ROUTES;
import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static dev.outrigger.sidecar.config.TestBootstraps.parse;
import static dev.outrigger.sidecar.config.TestBootstraps.translateWithRoutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class BootstrapTranslatorTest {

    private static final String HCM_LINES = "stat_prefix: s\n" + ROUTES + ROUTER;

    @Test
    void duplicateListenerNamesAreRejected() {
        assertRejected(bootstrap(listener("a", "127.0.0.1", 15001) + listener("a", "127.0.0.1", 15002)),
                "static_resources.listeners[1].name", "duplicate listener name \"a\" (also listeners[0])");
    }

    @Test
    void duplicateListenerAddressesAreRejected() {
        assertRejected(bootstrap(listener("a", "127.0.0.1", 15001) + listener("b", "127.0.0.1", 15001)),
                "static_resources.listeners[1].address", "127.0.0.1:15001 clashes with listener \"a\" at 127.0.0.1:15001");
    }

    @Test
    void wildcardAddressClashesWithEverySpecificOneOnItsPort() {
        assertRejected(bootstrap(listener("a", "127.0.0.1", 15001) + listener("b", "0.0.0.0", 15001)),
                "static_resources.listeners[1].address", "0.0.0.0:15001 clashes with listener \"a\" at 127.0.0.1:15001");
        assertRejected(bootstrap(listener("a", "::", 15001) + listener("b", "10.1.2.3", 15001)),
                "static_resources.listeners[1].address", "10.1.2.3:15001 clashes with listener \"a\" at [::]:15001");
    }

    @Test
    void listenerOnTheAdminAddressIsRejected() {
        assertRejected(bootstrap(listener("a", "127.0.0.1", 15000)), "static_resources.listeners[0].address",
                "127.0.0.1:15000 clashes with the admin endpoint at 127.0.0.1:15000");
    }

    @Test
    void errorsInClustersAreFoundBeforeRoutesAreTranslated() {
        assertRejected(bootstrap(listener("a", "127.0.0.1", 15001)) + "  clusters:\n  - name: demo\n",
                "static_resources.clusters[0].load_assignment",
                "a STATIC cluster needs at least one endpoint in load_assignment.endpoints[].lb_endpoints");
    }

    @Test
    void fullTranslation() throws Exception {
        BootstrapConfig config = translateWithRoutes(parse("node: { id: n1 }\n"
                + bootstrap(listener("outbound", "127.0.0.1", 15001) + listener("inbound", "0.0.0.0", 15006))
                + "  clusters:\n" + TestBootstraps.indent(DEMO_CLUSTER, 2)));

        assertEquals("n1", config.server().nodeId());
        assertEquals("static", config.snapshot().version());
        assertEquals(2, config.snapshot().listeners().size());
        ListenerConfig outbound = config.snapshot().listeners().get(0);
        assertEquals("outbound", outbound.name());
        assertEquals(new InetSocketAddress("127.0.0.1", 15001), outbound.address());
        HttpConnectionManagerConfig http = outbound.http();
        assertEquals("s", http.statPrefix());
        assertEquals(HttpConnectionManagerConfig.Codec.AUTO, http.codec());
        assertEquals("inbound", config.snapshot().listeners().get(1).name());
        assertEquals("demo", config.snapshot().cluster("demo").name());
        assertTrue(config.snapshot().configDumpJson().contains("\"outbound\""));
    }

    @Test
    void ephemeralPortsNeverClash() throws Exception {
        BootstrapConfig config = translateWithRoutes(parse(bootstrap(
                listener("a", "127.0.0.1", 0) + listener("b", "127.0.0.1", 0))));
        assertEquals(2, config.snapshot().listeners().size());
    }

    @Test
    void routeToAnUnknownClusterIsAccepted() throws Exception {
        // As in Envoy: such a request is answered 503 at run time; the config itself is fine.
        BootstrapConfig config = translateWithRoutes(parse(bootstrap(listener("a", "127.0.0.1", 15001))));
        assertTrue(config.snapshot().clusters().isEmpty());
        assertEquals(1, config.snapshot().listeners().size());
    }

    static String bootstrap(String listenerEntries) {
        return "static_resources:\n  listeners:\n" + listenerEntries;
    }

    static String listener(String name, String address, int port) {
        String hcm = TestBootstraps.withHcm(HCM_LINES);
        String entry = hcm.substring(hcm.indexOf("  - name: outbound"));
        return entry.replace("name: outbound", "name: " + name)
                .replace("address: 127.0.0.1, port_value: 15001", "address: \"" + address + "\", port_value: " + port);
    }
}
