package dev.outrigger.sidecar.xds;

import static dev.outrigger.sidecar.xds.XdsResources.edsCluster;
import static dev.outrigger.sidecar.xds.XdsResources.endpoints;
import static dev.outrigger.sidecar.xds.XdsResources.httpListener;
import static dev.outrigger.sidecar.xds.XdsResources.routes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.ConnectionPoolSettings;
import dev.outrigger.sidecar.cluster.EndpointConfig;
import dev.outrigger.sidecar.cluster.LbPolicy;
import dev.outrigger.sidecar.config.XdsTypes;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.route.RouteRegistry;
import dev.outrigger.sidecar.secret.SecretConsumer;
import dev.outrigger.sidecar.snapshot.ResourceLog;
import dev.outrigger.xds.ResourceInvalidException;
import dev.outrigger.xds.client.XdsResource;
import dev.outrigger.xds.client.XdsResourceType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The applier's decisions, without sockets: warming, refusals, subscriptions, readiness. */
class XdsConfigApplierTest {

    private static final InetSocketAddress ADMIN = new InetSocketAddress("127.0.0.1", 15000);
    private static final String CA_PEM = dev.outrigger.mtls.Pem.writeCertificates(java.util.List.of(
            dev.outrigger.mtls.CertificateAuthority.createRoot("td", dev.outrigger.mtls.KeyType.EC,
                    Duration.ofDays(1), java.time.Clock.systemUTC()).root()));

    /** Records what the applier does to the proxy. */
    private static final class RecordingPlane implements DataPlane {
        Map<String, ClusterConfig> clusters = Map.of();
        final Map<String, ListenerConfig> listeners = new LinkedHashMap<>();
        final List<String> removed = new ArrayList<>();
        String bindError;
        boolean initialized;

        @Override
        public void setClusters(Map<String, ClusterConfig> configs) {
            clusters = Map.copyOf(configs);
        }

        @Override
        public String putListener(ListenerConfig listener) {
            if (bindError != null) {
                return bindError;
            }
            listeners.put(listener.name(), listener);
            return null;
        }

        @Override
        public void removeListener(String name) {
            listeners.remove(name);
            removed.add(name);
        }

        @Override
        public void initialized() {
            initialized = true;
        }
    }

    private final RecordingPlane plane = new RecordingPlane();
    private final Map<String, Set<String>> subscribed = new HashMap<>();
    private XdsConfigApplier applier;

    private XdsConfigApplier applier(Map<String, ClusterConfig> staticClusters, List<ListenerConfig> staticListeners) {
        applier = new XdsConfigApplier(new RouteRegistry(), plane, staticClusters, staticListeners, ADMIN, true, true,
                null, SecretConsumer.NONE);
        applier.start((type, names) -> subscribed.put(type.typeUrl(), Set.copyOf(names)), Duration.ZERO);
        return applier;
    }

    private static <T> Map<String, XdsResource<T>> res(XdsResourceType<T> type, String version, Message... messages)
            throws ResourceInvalidException {
        Map<String, XdsResource<T>> out = new LinkedHashMap<>();
        for (Message m : messages) {
            out.put(type.name(m), new XdsResource<>(type.name(m), version, type.parse(m), m, Instant.now()));
        }
        return out;
    }

    private String edsUrl() {
        return applier.types().endpoints.typeUrl();
    }

    private String rdsUrl() {
        return applier.types().routes.typeUrl();
    }

    @Test
    void anEdsClusterServesOnceItsEndpointsArrive() throws Exception {
        applier(Map.of(), List.of());
        var clusters = applier.clusterWatcher();
        assertEquals(Map.of(), clusters.onResourcesChanged(res(applier.types().clusters, "1", edsCluster("svc")),
                Set.of()));
        assertEquals(Set.of("svc"), subscribed.get(edsUrl()), "EDS follows the cluster");
        assertFalse(plane.clusters.containsKey("svc"), "warming until its endpoints arrive");
        assertNull(applier.resources().get(ResourceLog.Kind.CLUSTER, "svc").appliedAt());
        applier.endpointWatcher().onResourcesChanged(res(applier.types().endpoints, "1", endpoints("svc", 8080)),
                Set.of());
        assertEquals(List.of(new EndpointConfig("127.0.0.1", 8080, 1)), plane.clusters.get("svc").endpoints());
        assertTrue(applier.resources().get(ResourceLog.Kind.CLUSTER, "svc").applied());
    }

    @Test
    void aClusterUpdateWaitingForNewEndpointsLeavesTheOldVersionServing() throws Exception {
        applier(Map.of(), List.of());
        applier.clusterWatcher().onResourcesChanged(res(applier.types().clusters, "1", edsCluster("svc")), Set.of());
        applier.endpointWatcher().onResourcesChanged(res(applier.types().endpoints, "1", endpoints("svc", 8080)),
                Set.of());
        var renamed = edsCluster("svc").toBuilder();
        renamed.getEdsClusterConfigBuilder().setServiceName("svc-v2");
        applier.clusterWatcher().onResourcesChanged(res(applier.types().clusters, "2", renamed.build()), Set.of());
        assertEquals(Set.of("svc-v2"), subscribed.get(edsUrl()));
        assertEquals("svc", plane.clusters.get("svc").edsServiceName(), "the old version serves while v2 warms");
        applier.endpointWatcher().onResourcesChanged(res(applier.types().endpoints, "2", endpoints("svc-v2", 9090)),
                Set.of());
        assertEquals("svc-v2", plane.clusters.get("svc").edsServiceName());
        assertEquals(9090, plane.clusters.get("svc").endpoints().get(0).port());
    }

    @Test
    void endpointsThatDoNotExistLeaveTheClusterEmptyButServing() throws Exception {
        applier(Map.of(), List.of());
        applier.clusterWatcher().onResourcesChanged(res(applier.types().clusters, "1", edsCluster("svc")), Set.of());
        applier.endpointWatcher().onResourceDoesNotExist("svc");
        assertEquals(List.of(), plane.clusters.get("svc").endpoints());
    }

    @Test
    void cdsCannotReplaceAStaticClusterAndLdsCannotReplaceAStaticListener() throws Exception {
        ClusterConfig xds = new ClusterConfig("xds", Duration.ofSeconds(1), LbPolicy.ROUND_ROBIN,
                List.of(new EndpointConfig("127.0.0.1", 18000, 1)), ConnectionPoolSettings.DEFAULTS);
        ListenerConfig staticListener = applierListener("in", 15006);
        applier(Map.of("xds", xds), List.of(staticListener));
        Map<String, String> refused = applier.clusterWatcher().onResourcesChanged(
                res(applier.types().clusters, "1", edsCluster("xds")), Set.of());
        assertEquals(Set.of("xds"), refused.keySet());
        assertTrue(refused.get("xds").contains("static cluster"), refused.toString());
        assertEquals(xds, plane.clusters.get("xds"));
        Map<String, String> lds = applier.listenerWatcher().onResourcesChanged(
                res(applier.types().listeners, "1", httpListener("in", 15999, "r")), Set.of());
        assertTrue(lds.get("in").contains("static listener"), lds.toString());
    }

    @Test
    void listenersWhoseAddressesClashAreRefused() throws Exception {
        applier(Map.of(), List.of(applierListener("in", 15006)));
        Map<String, String> refused = applier.listenerWatcher().onResourcesChanged(res(applier.types().listeners, "1",
                httpListener("a", 15006, "r"), httpListener("b", 15001, "r"), httpListener("c", 15001, "r"),
                httpListener("d", 15000, "r")), Set.of());
        assertEquals(Set.of("a", "c", "d"), refused.keySet(), refused.toString());
        assertTrue(refused.get("a").contains("clashes with listener \"in\""), refused.get("a"));
        assertTrue(refused.get("c").contains("clashes with listener \"b\""), refused.get("c"));
        assertTrue(refused.get("d").contains("admin"), refused.get("d"));
    }

    @Test
    void aListenerWaitsForItsRoutesAndRdsFollowsReferences() throws Exception {
        applier(Map.of(), List.of());
        applier.listenerWatcher().onResourcesChanged(res(applier.types().listeners, "1",
                httpListener("out", 0, "r1")), Set.of());
        assertEquals(Set.of("r1"), subscribed.get(rdsUrl()));
        assertTrue(plane.listeners.isEmpty(), "warming until r1 arrives");
        applier.routeWatcher().onResourcesChanged(res(applier.types().routes, "1",
                routes("r1", Map.of("/", "svc"))), Set.of());
        assertTrue(plane.listeners.containsKey("out"));
        // A new version on r2: r1 stays subscribed while the version using it serves.
        applier.listenerWatcher().onResourcesChanged(res(applier.types().listeners, "2",
                httpListener("out", 0, "r2")), Set.of());
        assertEquals(Set.of("r1", "r2"), subscribed.get(rdsUrl()));
        assertEquals(Set.of("r1"), plane.listeners.get("out").rdsNames(), "the old version serves meanwhile");
        applier.routeWatcher().onResourceDoesNotExist("r2");
        assertEquals(Set.of("r2"), plane.listeners.get("out").rdsNames(), "a missing r2 no longer blocks");
        assertEquals(Set.of("r2"), subscribed.get(rdsUrl()), "r1 is dropped once nothing uses it");
        applier.listenerWatcher().onResourcesChanged(Map.of(), Set.of("out"));
        assertEquals(List.of("out"), plane.removed);
        assertEquals(Set.of(), subscribed.get(rdsUrl()));
    }

    @Test
    void aListenerMayTakeTheAddressOfOneRemovedInTheSameUpdate() throws Exception {
        applier(Map.of(), List.of());
        var lds = applier.listenerWatcher();
        assertEquals(Map.of(), lds.onResourcesChanged(res(applier.types().listeners, "1",
                inlineListener()), Set.of()));
        assertTrue(plane.listeners.containsKey("out"));
        var renamed = inlineListener().toBuilder().setName("out-v2").build();
        assertEquals(Map.of(), lds.onResourcesChanged(res(applier.types().listeners, "2", renamed), Set.of("out")),
                "removals are applied before the new listener's address is checked");
        assertEquals(List.of("out"), plane.removed);
        assertTrue(plane.listeners.containsKey("out-v2"));
    }

    @Test
    void aStaticListenerOnRdsKeepsTheSidecarUnreadyUntilItsRoutesArrive() throws Exception {
        RouteRegistry registry = new RouteRegistry();
        ListenerConfig staticOut = new XdsTypes(registry).listeners.parse(httpListener("static-out", 15001, "shared"));
        applier = new XdsConfigApplier(registry, plane, Map.of(), List.of(staticOut), ADMIN, false, false, null,
                SecretConsumer.NONE);
        applier.start((type, names) -> subscribed.put(type.typeUrl(), Set.copyOf(names)), Duration.ZERO);
        assertEquals(Set.of("shared"), subscribed.get(rdsUrl()));
        assertFalse(plane.initialized, "static listener waits for its routes");
        applier.routeWatcher().onResourcesChanged(res(applier.types().routes, "1",
                routes("shared", Map.of("/", "svc"))), Set.of());
        assertTrue(plane.initialized);
        assertEquals("shared", staticOut.http().routeTable().name());
    }

    @Test
    void aListenerThatCannotBindIsRefusedWithTheReason() throws Exception {
        applier(Map.of(), List.of());
        plane.bindError = "listener 'out' cannot bind 127.0.0.1:1: Permission denied";
        // Inline routes: ready at once, so the bind happens in the LDS callback.
        var inline = applier.types().listeners;
        Map<String, String> refused = applier.listenerWatcher().onResourcesChanged(res(inline, "1",
                inlineListener()), Set.of());
        assertEquals(Map.of("out", plane.bindError), refused);
        assertEquals(plane.bindError, applier.resources().get(ResourceLog.Kind.LISTENER, "out").error());
    }

    @Test
    void readyOnceListenersAndClustersArrivedAndWarmed() throws Exception {
        applier(Map.of(), List.of());
        assertFalse(plane.initialized);
        applier.clusterWatcher().onResourcesChanged(res(applier.types().clusters, "1", edsCluster("svc")), Set.of());
        applier.listenerWatcher().onResourcesChanged(res(applier.types().listeners, "1",
                httpListener("out", 0, "r1")), Set.of());
        assertFalse(plane.initialized, "cluster and listener still warming");
        applier.endpointWatcher().onResourcesChanged(res(applier.types().endpoints, "1", endpoints("svc", 1)),
                Set.of());
        assertFalse(plane.initialized, "listener still warming");
        applier.routeWatcher().onResourcesChanged(res(applier.types().routes, "1", routes("r1", Map.of("/", "svc"))),
                Set.of());
        assertTrue(plane.initialized);
    }

    @Test
    void secretsGoToTheConsumerAndTheirRemovalToo() throws Exception {
        List<String> seen = new ArrayList<>();
        SecretConsumer consumer = new SecretConsumer() {
            @Override
            public void onSecret(dev.outrigger.sidecar.secret.SecretConfig secret) {
                seen.add("got " + secret.name() + " " + (secret.validation().trustedCa().inline().equals(CA_PEM) ? "PEM" : "?"));
            }

            @Override
            public void onSecretRemoved(String name) {
                seen.add("removed " + name);
            }
        };
        applier = new XdsConfigApplier(new RouteRegistry(), plane, Map.of(), List.of(), ADMIN, true, true, null,
                consumer);
        applier.start((type, names) -> { }, Duration.ZERO);
        var secret = io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.newBuilder().setName("ROOTCA")
                .setValidationContext(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3
                        .CertificateValidationContext.newBuilder().setTrustedCa(
                                io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder().setInlineString(CA_PEM)))
                .build();
        applier.secretWatcher().onResourcesChanged(res(applier.types().secrets, "1", secret), Set.of());
        assertTrue(applier.resources().get(ResourceLog.Kind.SECRET, "ROOTCA").applied());
        applier.secretWatcher().onResourceDoesNotExist("other");
        applier.secretWatcher().onResourcesChanged(Map.of(), Set.of("ROOTCA"));
        assertEquals(List.of("got ROOTCA PEM", "removed other", "removed ROOTCA"), seen);
        assertNull(applier.resources().get(ResourceLog.Kind.SECRET, "ROOTCA"));
    }

    @Test
    void sdsFollowsTheSecretsListenersReferToAndTheyWarmUntilTheSecretsArrive() throws Exception {
        applier(Map.of(), List.of());
        String sdsUrl = applier.types().secrets.typeUrl();
        applier.routeWatcher();
        applier.listenerWatcher().onResourcesChanged(res(applier.types().listeners, "1",
                XdsResources.mtlsListener("in", 0, "r", "default", "ROOTCA")), Set.of());
        assertEquals(Set.of("default", "ROOTCA"), subscribed.get(sdsUrl));
        applier.routeWatcher().onResourcesChanged(res(applier.types().routes, "1", routes("r", Map.of("/", "s"))),
                Set.of());
        assertTrue(plane.listeners.isEmpty(), "warming until its secrets arrive");
        var ca = io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.newBuilder().setName("ROOTCA")
                .setValidationContext(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3
                        .CertificateValidationContext.newBuilder().setTrustedCa(
                                io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder().setInlineString(CA_PEM)))
                .build();
        applier.secretWatcher().onResourcesChanged(res(applier.types().secrets, "1", ca), Set.of());
        assertTrue(plane.listeners.isEmpty(), "still waiting for its certificate");
        applier.secretWatcher().onResourceDoesNotExist("default");
        assertTrue(plane.listeners.containsKey("in"), "a missing secret stops the wait");
        applier.listenerWatcher().onResourcesChanged(Map.of(), Set.of("in"));
        assertEquals(Set.of(), subscribed.get(sdsUrl), "unsubscribed once nothing refers to them");
    }

    @Test
    void anEmptyControlPlaneStillCountsOnceItAnswered() {
        applier(Map.of(), List.of());
        applier.streamEvents().onResponse(applier.types().listeners.typeUrl(), 0, 0, 0);
        assertFalse(plane.initialized);
        applier.streamEvents().onResponse(applier.types().clusters.typeUrl(), 0, 0, 0);
        assertTrue(plane.initialized);
    }

    private ListenerConfig applierListener(String name, int port) throws Exception {
        return new XdsConfigApplier(new RouteRegistry(), plane, Map.of(), List.of(), ADMIN, true, true, null,
                SecretConsumer.NONE).types().listeners.parse(httpListener(name, port, "static-routes"));
    }

    private static io.envoyproxy.envoy.config.listener.v3.Listener inlineListener() {
        var l = httpListener("out", 1, "unused").toBuilder();
        var chain = l.getFilterChainsBuilder(0);
        var filter = chain.getFiltersBuilder(0);
        try {
            var hcm = filter.getTypedConfig().unpack(
                    io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.class)
                    .toBuilder().clearRds().setRouteConfig(routes("inline", Map.of("/", "svc"))).build();
            filter.setTypedConfig(com.google.protobuf.Any.pack(hcm));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        return l.build();
    }
}
