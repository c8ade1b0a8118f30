package dev.outrigger.xds.client;

import static dev.outrigger.xds.client.TestTypes.CLUSTERS;
import static dev.outrigger.xds.client.TestTypes.CLUSTER_URL;
import static dev.outrigger.xds.client.TestTypes.ENDPOINTS;
import static dev.outrigger.xds.client.TestTypes.ENDPOINT_URL;
import static dev.outrigger.xds.client.TestTypes.cluster;
import static dev.outrigger.xds.client.TestTypes.endpoints;
import static dev.outrigger.xds.client.TestTypes.listener;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import dev.outrigger.testing.Await;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Responses no real control plane builds (duplicate names, wrong types, resources nobody asked
 * for), sent by hand on a scripted ADS stream, in state-of-the-world and in delta.
 */
class ScriptedResponsesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RecordingWatcher clusters = new RecordingWatcher();
    private final RecordingWatcher endpoints = new RecordingWatcher();
    private ScriptedAds server;
    private XdsClient client;
    private ApiType api;

    @BeforeEach
    void startServer() throws Exception {
        server = new ScriptedAds();
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    /** 3. */
    @ParameterizedTest
    @EnumSource(ApiType.class)
    void twoResourcesOfOneNameAreBothRejectedAndThePreviousOneStays(ApiType api) throws Exception {
        start(api);
        respond(CLUSTER_URL, "1", "n1", cluster("a", "x"), cluster("d", "v1"));
        awaitAck(CLUSTER_URL, "n1");
        assertEquals(Map.of("a", "a/x", "d", "d/v1"), clusters.view());

        respond(CLUSTER_URL, "2", "n2", cluster("a", "x"), cluster("d", "v2"), cluster("d", "v3"), cluster("e", "z"));
        Seen nack = awaitReply(CLUSTER_URL, "n2");
        assertEquals("Cluster \"d\": duplicate resource name (2 resources of this name in one response)",
                nack.error());
        if (api == ApiType.STATE_OF_THE_WORLD) {
            assertEquals("1", nack.version());
        }
        assertEquals(Map.of("a", "a/x", "d", "d/v1", "e", "e/z"), clusters.view());
        assertTrue(clusters.removedNames().isEmpty(), "a rejected name is not an absent one");
        await("status", () -> type(CLUSTER_URL).resourceCount() == 3 && type(CLUSTER_URL).lastNack() != null);
        assertEquals("1", type(CLUSTER_URL).ackedVersion());
        assertEquals("n2", type(CLUSTER_URL).lastNack().nonce());
    }

    @ParameterizedTest
    @EnumSource(ApiType.class)
    void aResourceOfTheWrongTypeIsRejectedAndNamedByIndexOrName(ApiType api) throws Exception {
        start(api);
        respond(CLUSTER_URL, "1", "n1", cluster("a", "x"), cluster("b", "y"));
        awaitAck(CLUSTER_URL, "n1");

        respond(CLUSTER_URL, "2", "n2", cluster("a", "x2"), listener("b", "oops"));
        Seen nack = awaitReply(CLUSTER_URL, "n2");
        String where = api == ApiType.STATE_OF_THE_WORLD ? "at index 1" : "\"b\"";
        assertEquals("Cluster " + where + ": type URL type.googleapis.com/envoy.config.listener.v3.Listener is not "
                + CLUSTER_URL, nack.error());
        assertEquals(Map.of("a", "a/x2", "b", "b/y"), clusters.view(),
                "the good one applies; the unreadable one neither replaces nor removes b");
        assertTrue(clusters.removedNames().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(ApiType.class)
    void resourcesNobodySubscribedAreIgnored(ApiType api) throws Exception {
        start(api);
        client.subscribe(ENDPOINTS, Set.of("a"));
        await("EDS request", () -> !server.requests(ENDPOINT_URL).isEmpty());

        respond(ENDPOINT_URL, "1", "e1", endpoints("a", 1), endpoints("stranger", 2));
        Seen ack = awaitReply(ENDPOINT_URL, "e1");
        assertFalse(ack.nack());
        assertEquals(Map.of("a", "a:1"), endpoints.view());
        await("status", () -> type(ENDPOINT_URL).resourceCount() == 1);
    }

    /**
     * Unsubscribing the last name of a type: state-of-the-world sends an empty list (xds_protocol:
     * "no longer interested", not a wildcard once names were asked for), delta an unsubscribe;
     * a response that still comes is ACKed and its resources ignored.
     */
    @ParameterizedTest
    @EnumSource(ApiType.class)
    void unsubscribingTheLastNameIsSaidAndLaterResponsesAreStillAcked(ApiType api) throws Exception {
        start(api);
        client.subscribe(ENDPOINTS, Set.of("a"));
        await("EDS request", () -> !server.requests(ENDPOINT_URL).isEmpty());
        respond(ENDPOINT_URL, "1", "e1", endpoints("a", 1));
        awaitAck(ENDPOINT_URL, "e1");
        int before = server.requests(ENDPOINT_URL).size();
        client.subscribe(ENDPOINTS, Set.of());
        await("unsubscribe sent", () -> server.requests(ENDPOINT_URL).size() > before);
        Seen unsubscribe = server.requests(ENDPOINT_URL).get(before);
        if (api == ApiType.STATE_OF_THE_WORLD) {
            assertEquals(List.of(), unsubscribe.names());
            assertEquals("e1", unsubscribe.nonce());
        } else {
            assertEquals(List.of("a"), unsubscribe.unsubscribe());
        }
        respond(ENDPOINT_URL, "2", "e2", endpoints("a", 2));
        awaitAck(ENDPOINT_URL, "e2");
        assertEquals(Map.of("a", "a:1"), endpoints.view(), "a:2 of an unsubscribed name is not delivered");
        await("forgotten", () -> type(ENDPOINT_URL).resourceCount() == 0);
    }

    @ParameterizedTest
    @EnumSource(ApiType.class)
    void aWatcherThatThrowsRefusesWhatItWasGiven(ApiType api) throws Exception {
        clusters.onCall(() -> {
            throw new IllegalStateException("boom");
        });
        start(api);
        respond(CLUSTER_URL, "1", "n1", cluster("a", "x"));
        Seen nack = awaitReply(CLUSTER_URL, "n1");
        assertTrue(nack.error().startsWith("Cluster \"a\": watcher failed: java.lang.IllegalStateException: boom"),
                nack.error());
        await("status", () -> type(CLUSTER_URL).lastNack() != null);
        assertEquals(0, type(CLUSTER_URL).resourceCount());
    }

    @ParameterizedTest
    @EnumSource(ApiType.class)
    void namesAWatcherSubscribesDuringItsResponseRideOnTheAck(ApiType api) throws Exception {
        endpoints.onCall(() -> client.subscribe(ENDPOINTS, Set.of("b", "c")));
        start(api);
        client.subscribe(ENDPOINTS, Set.of("a", "b"));
        await("EDS request", () -> !server.requests(ENDPOINT_URL).isEmpty());
        int before = server.requests(ENDPOINT_URL).size();

        respond(ENDPOINT_URL, "1", "e1", endpoints("a", 1), endpoints("b", 2));
        Seen ack = awaitReply(ENDPOINT_URL, "e1");
        assertFalse(ack.nack());
        assertEquals(before + 1, server.requests(ENDPOINT_URL).size(), "no request of its own before the ACK");
        if (api == ApiType.STATE_OF_THE_WORLD) {
            assertEquals(List.of("b", "c"), ack.names());
            assertEquals("1", ack.version());
        } else {
            assertEquals(List.of("c"), ack.subscribe());
            assertEquals(List.of("a"), ack.unsubscribe());
        }
        await("status", () -> type(ENDPOINT_URL).resourceCount() == 1
                && type(ENDPOINT_URL).subscribed().equals(Set.of("b", "c")));
    }

    @ParameterizedTest
    @EnumSource(ApiType.class)
    void aTypeWatchedAfterStartIsRequestedOnTheOpenStream(ApiType api) throws Exception {
        start(api);
        RecordingWatcher listeners = new RecordingWatcher();
        client.watch(TestTypes.LISTENERS, listeners);
        await("LDS request", () -> !server.requests(TestTypes.LISTENER_URL).isEmpty());
        Seen lds = server.requests(TestTypes.LISTENER_URL).get(0);
        assertTrue(lds.hasNode(), "by default every request carries the node");
        respond(TestTypes.LISTENER_URL, "1", "l1", listener("l", "in"));
        awaitAck(TestTypes.LISTENER_URL, "l1");
        assertEquals(Map.of("l", "in"), listeners.view());
    }

    /** Delta only: a removed_resources entry for a subscribed name the client never had. */
    @ParameterizedTest
    @EnumSource(value = ApiType.class, names = "DELTA")
    void deltaRemovalOfANameNeverReceivedMeansItDoesNotExist(ApiType api) throws Exception {
        start(api);
        client.subscribe(ENDPOINTS, Set.of("a", "gone"));
        await("EDS request", () -> !server.requests(ENDPOINT_URL).isEmpty());
        server.send(DeltaDiscoveryResponse.newBuilder().setTypeUrl(ENDPOINT_URL).setSystemVersionInfo("1")
                .setNonce("e1").addResources(resource(endpoints("a", 1), "va"))
                .addRemovedResources("gone").build());
        awaitAck(ENDPOINT_URL, "e1");
        assertEquals(List.of("gone"), endpoints.missing());
        assertEquals(Map.of("a", "a:1"), endpoints.view());

        server.send(DeltaDiscoveryResponse.newBuilder().setTypeUrl(ENDPOINT_URL).setSystemVersionInfo("2")
                .setNonce("e2").addRemovedResources("a").build());
        awaitAck(ENDPOINT_URL, "e2");
        assertEquals(List.of("a"), endpoints.removedNames(), "a held resource that is removed goes to removed");
        assertEquals(List.of("gone"), endpoints.missing());
    }

    // ---- helpers

    private void start(ApiType api) throws TimeoutException {
        this.api = api;
        io.grpc.ManagedChannel channel = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext().build();
        client = new XdsClient(channel, new XdsClientOptions(Node.newBuilder().setId("n").build(), api,
                Duration.ZERO, Duration.ofMillis(20), Duration.ofMillis(200)), null);
        client.watch(CLUSTERS, clusters);
        client.watch(ENDPOINTS, endpoints);
        client.start();
        await("CDS request", () -> !server.requests(CLUSTER_URL).isEmpty());
    }

    private void respond(String typeUrl, String version, String nonce, Message... resources) {
        if (api == ApiType.STATE_OF_THE_WORLD) {
            DiscoveryResponse.Builder b = DiscoveryResponse.newBuilder().setTypeUrl(typeUrl).setVersionInfo(version)
                    .setNonce(nonce);
            for (Message m : resources) {
                b.addResources(Any.pack(m));
            }
            server.send(b.build());
        } else {
            DeltaDiscoveryResponse.Builder b = DeltaDiscoveryResponse.newBuilder().setTypeUrl(typeUrl)
                    .setSystemVersionInfo(version).setNonce(nonce);
            for (Message m : resources) {
                b.addResources(resource(m, version));
            }
            server.send(b.build());
        }
    }

    private static Resource resource(Message m, String version) {
        String name = m.getDescriptorForType().findFieldByName("name") != null
                ? (String) m.getField(m.getDescriptorForType().findFieldByName("name"))
                : (String) m.getField(m.getDescriptorForType().findFieldByName("cluster_name"));
        return Resource.newBuilder().setName(name).setVersion(version).setResource(Any.pack(m)).build();
    }

    private Seen awaitReply(String typeUrl, String nonce) throws TimeoutException {
        await("reply to " + nonce, () -> server.requests(typeUrl).stream().anyMatch(r -> r.nonce().equals(nonce)));
        return server.requests(typeUrl).stream().filter(r -> r.nonce().equals(nonce)).findFirst().orElseThrow();
    }

    private void awaitAck(String typeUrl, String nonce) throws TimeoutException {
        Seen reply = awaitReply(typeUrl, nonce);
        assertFalse(reply.nack(), () -> "NACK: " + reply.error());
    }

    private XdsClientStatus.TypeStatus type(String typeUrl) {
        return client.status().types().stream().filter(t -> t.typeUrl().equals(typeUrl)).findFirst().orElseThrow();
    }

    private static void await(String what, BooleanSupplier condition) throws TimeoutException {
        Await.until(what, WAIT, condition);
    }
}
