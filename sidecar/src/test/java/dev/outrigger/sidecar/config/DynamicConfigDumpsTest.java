package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import dev.outrigger.sidecar.snapshot.ResourceLog;
import dev.outrigger.sidecar.snapshot.ResourceLog.Kind;
import dev.outrigger.xds.client.XdsResource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** /config_dump of dynamic resources: both versions while one warms, errors, redacted keys. */
class DynamicConfigDumpsTest {

    private static final Instant T1 = Instant.parse("2026-11-28T04:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-28T04:00:01Z");

    private static XdsResource<Object> res(String name, String version, Message m, Instant at) {
        return new XdsResource<>(name, version, name, m, at);
    }

    private static JsonNode dump(ResourceLog log) throws Exception {
        return new ObjectMapper().readTree(DynamicConfigDumps.render("{\"configs\": []}", log));
    }

    private static JsonNode section(JsonNode dump, String type) {
        for (JsonNode n : dump.path("configs")) {
            if (n.path("@type").asText().endsWith("." + type)) {
                return n;
            }
        }
        throw new AssertionError("no " + type + " in " + dump);
    }

    @Test
    void aWarmingListenerShowsTheVersionServingAndTheOneWarming() throws Exception {
        ResourceLog log = new ResourceLog();
        log.received(Kind.LISTENER, res("out", "1", Listener.newBuilder().setName("out").build(), T1));
        log.applied(Kind.LISTENER, "out", T2);
        log.received(Kind.LISTENER, res("out", "2", Listener.newBuilder().setName("out").build(), T2));
        JsonNode l = section(dump(log), "ListenersConfigDump").path("dynamic_listeners").get(0);
        assertEquals("out", l.path("name").asText());
        assertEquals("1", l.path("active_state").path("version_info").asText());
        assertEquals(T1.toString(), l.path("active_state").path("received_at").asText());
        assertEquals(T2.toString(), l.path("active_state").path("applied_at").asText());
        assertEquals(T2.toString(), l.path("active_state").path("last_updated").asText());
        assertEquals("2", l.path("warming_state").path("version_info").asText());
        assertTrue(l.path("warming_state").path("applied_at").isNull());

        log.failed(Kind.LISTENER, "out", "cannot bind 127.0.0.1:1: Permission denied");
        l = section(dump(log), "ListenersConfigDump").path("dynamic_listeners").get(0);
        assertEquals("1", l.path("active_state").path("version_info").asText(), "the old version still serves");
        assertEquals("cannot bind 127.0.0.1:1: Permission denied", l.path("error_state").path("details").asText());
        assertFalse(l.has("warming_state"));
    }

    @Test
    void clustersAreActiveOrWarming() throws Exception {
        ResourceLog log = new ResourceLog();
        log.received(Kind.CLUSTER, res("a", "1", Cluster.newBuilder().setName("a").build(), T1));
        log.applied(Kind.CLUSTER, "a", T2);
        log.received(Kind.CLUSTER, res("b", "1", Cluster.newBuilder().setName("b").build(), T1));
        JsonNode clusters = section(dump(log), "ClustersConfigDump");
        assertEquals("a", clusters.path("dynamic_active_clusters").get(0).path("cluster").path("name").asText());
        assertEquals("b", clusters.path("dynamic_warming_clusters").get(0).path("cluster").path("name").asText());
    }

    @Test
    void privateKeysAreRedacted() throws Exception {
        ResourceLog log = new ResourceLog();
        Secret secret = Secret.newBuilder().setName("default").setTlsCertificate(TlsCertificate.newBuilder()
                .setCertificateChain(DataSource.newBuilder().setInlineString("CHAIN"))
                .setPrivateKey(DataSource.newBuilder().setInlineString("THE-KEY"))).build();
        log.received(Kind.SECRET, res("default", "1", secret, T1));
        log.applied(Kind.SECRET, "default", T2);
        String text = DynamicConfigDumps.render("{\"configs\": []}", log);
        assertFalse(text.contains("THE-KEY"), text);
        assertTrue(text.contains("[redacted]") && text.contains("CHAIN"), text);
    }
}
