package dev.outrigger.xds.client;

import static dev.outrigger.xds.client.TestTypes.CLUSTERS;
import static dev.outrigger.xds.client.TestTypes.CLUSTER_URL;
import static dev.outrigger.xds.client.TestTypes.ENDPOINTS;
import static dev.outrigger.xds.client.TestTypes.ENDPOINT_URL;
import static dev.outrigger.xds.client.TestTypes.LISTENERS;
import static dev.outrigger.xds.client.TestTypes.LISTENER_URL;
import static dev.outrigger.xds.client.TestTypes.cluster;
import static dev.outrigger.xds.client.TestTypes.endpoints;
import static dev.outrigger.xds.client.TestTypes.listener;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.Await;
import dev.outrigger.xds.client.XdsEventListener.StreamState;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client against java-control-plane's own server, each scenario in state-of-the-world and
 * in delta.
 */
class XdsClientScenariosTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    static final String NODE_ID = "sidecar-1";
    private static final Node NODE = Node.newBuilder().setId(NODE_ID).setCluster("test").build();
    private static final Duration BACKOFF_BASE = Duration.ofMillis(20);
    private static final Duration BACKOFF_MAX = Duration.ofMillis(200);

    private final RecordingEvents events = new RecordingEvents();
    private final RecordingWatcher listeners = new RecordingWatcher();
    private final RecordingWatcher clusters = new RecordingWatcher();
    private final RecordingWatcher endpoints = new RecordingWatcher();
    private ControlPlane server;
    private ManagedChannel channel;
    private XdsClient client;

    @BeforeEach
    void startServer() throws IOException {
        server = ControlPlane.start(0);
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    /** 1. */
    @ParameterizedTest
    @EnumSource(ApiType.class)
    void initialConfigArrivesAndIsAckedWithTheNodeOnEveryRequest(ApiType api) throws Exception {
        server.set(snapshot("1", List.of(cluster("a", "x"), cluster("b", "y")), List.of(),
                List.of(listener("l1", "in"))));
        client(api, Duration.ZERO).start();

        await("clusters", () -> clusters.view().equals(Map.of("a", "a/x", "b", "b/y")));
        await("listeners", () -> listeners.view().equals(Map.of("l1", "in")));
        Seen.Sent cds = server.responses(CLUSTER_URL).get(0);
        await("CDS ACK", () -> server.anyRequest(CLUSTER_URL, r -> r.nonce().equals(cds.nonce())));
        Seen ack = server.requests(CLUSTER_URL).stream().filter(r -> r.nonce().equals(cds.nonce())).findFirst()
                .orElseThrow();
        assertFalse(ack.nack(), "an ACK has no error_detail");
        if (api == ApiType.STATE_OF_THE_WORLD) {
            assertEquals("1", ack.version());
        }

        List<Seen> requests = server.requests();
        Seen first = requests.get(0);
        assertEquals(LISTENER_URL, first.typeUrl(), "types are requested in registration order");
        assertTrue(first.hasNode());
        assertEquals("sidecar-1", first.nodeId());
        assertTrue(requests.stream().allMatch(r -> r.hasNode() && r.nodeId().equals("sidecar-1")),
                "by default every request carries the node, as Envoy's does: " + requests);
        Seen firstCds = server.requests(CLUSTER_URL).get(0);
        assertEquals(List.of(), firstCds.names(), "legacy wildcard: no names");
        assertEquals(List.of(), firstCds.subscribe(), "legacy wildcard: no names");
        assertTrue(server.requests(ENDPOINT_URL).isEmpty(), "a named type without names is not requested");

        await("CDS ACK in status", () -> "1".equals(type(CLUSTER_URL).ackedVersion()));
        XdsClientStatus status = client.status();
        assertEquals(StreamState.CONNECTED, status.state());
        assertEquals(api, status.apiType());
        assertEquals(1, status.streamsOpened());
        assertEquals(List.of(LISTENER_URL, CLUSTER_URL, ENDPOINT_URL),
                status.types().stream().map(XdsClientStatus.TypeStatus::typeUrl).collect(Collectors.toList()));
        XdsClientStatus.TypeStatus cdsStatus = type(CLUSTER_URL);
        assertEquals(2, cdsStatus.resourceCount());
        assertTrue(cdsStatus.wildcard());
        assertNull(cdsStatus.lastNack());
        assertNotNull(cdsStatus.ackedAt());
        assertEquals(1, cdsStatus.responses());
        assertEquals(List.of(StreamState.CONNECTING, StreamState.CONNECTED), events.states());
        assertTrue(events.responses().contains(new RecordingEvents.Response(CLUSTER_URL, 2, 0, 0)));
        assertTrue(clusters.threads().stream().allMatch(XdsClient.THREAD_NAME::equals), clusters.threads()::toString);
    }

    /** 2. */
    @ParameterizedTest
    @EnumSource(ApiType.class)
    void oneInvalidClusterIsNackedWhileTheValidOnesApply(ApiType api) throws Exception {
        server.set(snapshot("1", List.of(cluster("a", "x")), List.of(), List.of(listener("l1", "in"))));
        client(api, Duration.ZERO).start();
        await("CDS v1 ACKed", () -> "1".equals(type(CLUSTER_URL).ackedVersion()));

        server.set(snapshot("2", List.of(cluster("a", "x2"), cluster("bad-1", "q"), cluster("c", "z")), List.of(),
                List.of(listener("l1", "in"))));
        await("NACK", () -> server.anyRequest(CLUSTER_URL, Seen::nack));
        Seen nack = server.requests(CLUSTER_URL).stream().filter(Seen::nack).findFirst().orElseThrow();
        assertEquals("Cluster \"bad-1\": name: bad- clusters are refused", nack.error());
        assertEquals(3, nack.errorCode(), "INVALID_ARGUMENT");
        Seen.Sent v2 = server.responses(CLUSTER_URL).stream().filter(r -> r.version().equals("2")).findFirst()
                .orElseThrow();
        assertEquals(v2.nonce(), nack.nonce(), "the NACK names the response it rejects");
        if (api == ApiType.STATE_OF_THE_WORLD) {
            assertEquals("1", nack.version(), "a NACK carries the version last accepted");
        }
        await("valid clusters applied", () -> clusters.view().equals(Map.of("a", "a/x2", "c", "c/z")));
        await("NACK in status", () -> type(CLUSTER_URL).lastNack() != null);
        XdsClientStatus.TypeStatus status = type(CLUSTER_URL);
        assertEquals("2", status.lastNack().version());
        assertTrue(status.lastNack().detail().contains("bad-1"));
        assertEquals("1", status.ackedVersion());
        assertEquals(2, status.resourceCount());
        assertTrue(events.responses().contains(new RecordingEvents.Response(CLUSTER_URL, 2, 1, 0)),
                events.responses()::toString);

        server.set(snapshot("3", List.of(cluster("a", "x2"), cluster("c", "z"), cluster("d", "w")), List.of(),
                List.of(listener("l1", "in"))));
        await("v3 ACKed", () -> "3".equals(type(CLUSTER_URL).ackedVersion()));
        Seen.Sent v3 = server.responses(CLUSTER_URL).stream().filter(r -> r.version().equals("3")).findFirst()
                .orElseThrow();
        await("ACK of v3", () -> server.anyRequest(CLUSTER_URL, r -> r.nonce().equals(v3.nonce()) && !r.nack()
                && (api == ApiType.DELTA || r.version().equals("3"))));
        assertEquals(Map.of("a", "a/x2", "c", "c/z", "d", "d/w"), clusters.view());
        assertEquals(3, type(CLUSTER_URL).resourceCount());
    }

    /** 4. */
    @ParameterizedTest
    @EnumSource(ApiType.class)
    void aWildcardResourceThatGoesAwayIsRemoved(ApiType api) throws Exception {
        server.set(snapshot("1", List.of(cluster("a", "x"), cluster("b", "y")), List.of(),
                List.of(listener("l1", "in"), listener("l2", "out"))));
        client(api, Duration.ZERO).start();
        await("v1", () -> clusters.view().size() == 2 && listeners.view().size() == 2);

        server.set(snapshot("2", List.of(cluster("a", "x")), List.of(), List.of(listener("l1", "in"))));
        await("cluster b removed", () -> clusters.removedNames().contains("b"));
        await("listener l2 removed", () -> listeners.removedNames().contains("l2"));
        List<RecordingWatcher.Change> changes = clusters.changes();
        assertEquals(new RecordingWatcher.Change(Map.of(), Set.of("b")), changes.get(changes.size() - 1),
                "an unchanged resource is not delivered again; only the removal is");
        assertEquals(Map.of("a", "a/x"), clusters.view());
        await("status", () -> type(CLUSTER_URL).resourceCount() == 1 && type(LISTENER_URL).resourceCount() == 1);
        assertTrue(events.responses().contains(new RecordingEvents.Response(CLUSTER_URL, 0, 0, 1)));
    }

    /** 5. */
    @ParameterizedTest
    @EnumSource(ApiType.class)
    void namedSubscriptionsFollowTheSubscribedSet(ApiType api) throws Exception {
        List<Cluster> cs = List.of(cluster("a", ""), cluster("b", ""), cluster("c", ""));
        server.set(snapshot("1", cs, List.of(endpoints("a", 1), endpoints("b", 2), endpoints("c", 3)),
                List.of()));
        client(api, Duration.ZERO).start();
        await("clusters", () -> clusters.view().size() == 3);

        client.subscribe(ENDPOINTS, Set.of("a", "b"));
        await("a and b", () -> endpoints.view().equals(Map.of("a", "a:1", "b", "b:2")));
        Seen firstEds = server.requests(ENDPOINT_URL).get(0);
        if (api == ApiType.STATE_OF_THE_WORLD) {
            assertEquals(List.of("a", "b"), firstEds.names());
        } else {
            assertEquals(Set.of("a", "b"), Set.copyOf(firstEds.subscribe()));
        }

        client.subscribe(ENDPOINTS, Set.of("b", "c"));
        await("c", () -> endpoints.view().containsKey("c"));
        if (api == ApiType.STATE_OF_THE_WORLD) {
            await("request for b, c", () -> server.anyRequest(ENDPOINT_URL, r -> r.names().equals(List.of("b", "c"))));
        } else {
            await("subscribe c, unsubscribe a", () -> server.anyRequest(ENDPOINT_URL,
                    r -> r.subscribe().equals(List.of("c")) && r.unsubscribe().equals(List.of("a"))));
        }
        await("status", () -> type(ENDPOINT_URL).resourceCount() == 2
                && type(ENDPOINT_URL).subscribed().equals(Set.of("b", "c")));

        server.set(snapshot("2", cs, List.of(endpoints("a", 5), endpoints("b", 2), endpoints("c", 4)), List.of()));
        await("c updated", () -> "c:4".equals(endpoints.view().get("c")));
        assertEquals("a:1", endpoints.view().get("a"), "an unsubscribed resource is no longer delivered");
        assertTrue(endpoints.removedNames().isEmpty(), "unsubscribing does not call the watcher");
        List<Seen> afterChange = server.requests(ENDPOINT_URL);
        Seen last = afterChange.get(afterChange.size() - 1);
        if (api == ApiType.STATE_OF_THE_WORLD) {
            assertEquals(List.of("b", "c"), last.names());
        } else {
            assertFalse(last.subscribe().contains("a"));
        }
    }

    /** 6. */
    @ParameterizedTest
    @EnumSource(ApiType.class)
    void aNameTheServerNeverSendsDoesNotExistAfterTheInitialFetchTimeout(ApiType api) throws Exception {
        Duration timeout = Duration.ofMillis(300);
        List<Cluster> cs = List.of(cluster("a", ""));
        server.set(snapshot("1", cs, List.of(endpoints("a", 1)), List.of()));
        client(api, timeout).start();
        client.subscribe(ENDPOINTS, Set.of("a"));
        await("a", () -> endpoints.view().containsKey("a"));

        long subscribed = System.nanoTime();
        client.subscribe(ENDPOINTS, Set.of("a", "ghost"));
        await("ghost does not exist", () -> !endpoints.missing().isEmpty());
        long elapsed = System.nanoTime() - subscribed;
        assertTrue(elapsed >= timeout.toNanos(), "reported after " + Duration.ofNanos(elapsed));
        assertEquals(List.of("ghost"), endpoints.missing(),
                "once, and not for a, whose timer stopped when it arrived");
        assertEquals(1, type(ENDPOINT_URL).resourceCount());

        server.set(snapshot("2", cs, List.of(endpoints("a", 1), endpoints("ghost", 2)), List.of()));
        await("ghost turns up", () -> "ghost:2".equals(endpoints.view().get("ghost")));
        assertEquals(List.of("ghost"), endpoints.missing());
    }

    /** 7. */
    @ParameterizedTest
    @EnumSource(ApiType.class)
    void aLostServerIsRetriedWithGrowingBackoffWhileTheResourcesStay(ApiType api) throws Exception {
        server.set(snapshot("1", List.of(cluster("a", "x"), cluster("b", "y")), List.of(endpoints("a", 1)),
                List.of(listener("l1", "in"))));
        client(api, Duration.ZERO);
        client.subscribe(ENDPOINTS, Set.of("a"));
        client.start();
        await("v1", () -> clusters.view().size() == 2 && endpoints.view().size() == 1
                && client.status().state() == StreamState.CONNECTED);
        int port = server.port();

        server.close();
        await("backoff", () -> client.status().state() == StreamState.BACKOFF);
        await("several retries", () -> events.delays().size() >= 4);
        List<Duration> delays = events.delays();
        for (int i = 0; i < delays.size(); i++) {
            Duration cap = BACKOFF_BASE.multipliedBy(1L << Math.min(i, 20));
            cap = cap.compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX : cap;
            Duration d = delays.get(i);
            assertTrue(d.compareTo(BACKOFF_BASE) >= 0 && d.compareTo(cap) <= 0,
                    "retry " + i + " waited " + d + ", outside [" + BACKOFF_BASE + ", " + cap + "]: " + delays);
        }
        assertTrue(delays.stream().anyMatch(d -> d.compareTo(BACKOFF_BASE) > 0), "the delays grow: " + delays);
        assertNotNull(client.status().lastStreamError());
        assertEquals(2, type(CLUSTER_URL).resourceCount(), "the last good config keeps serving");
        assertEquals(1, type(ENDPOINT_URL).resourceCount());
        assertTrue(clusters.removedNames().isEmpty() && endpoints.removedNames().isEmpty()
                && endpoints.missing().isEmpty(), "a lost server removes nothing");

        server = restartOn(port);
        server.set(snapshot("2", List.of(cluster("a", "x2"), cluster("b", "y")), List.of(endpoints("a", 2)),
                List.of(listener("l1", "in"))));
        await("the change arrives", () -> "a/x2".equals(clusters.view().get("a"))
                && "a:2".equals(endpoints.view().get("a")));
        await("connected", () -> client.status().state() == StreamState.CONNECTED);
        assertTrue(client.status().streamsOpened() >= 2);

        List<Seen> requests = server.requests();
        assertTrue(requests.get(0).hasNode(), "a new stream sends the node again");
        Seen cds = server.requests(CLUSTER_URL).get(0);
        Seen eds = server.requests(ENDPOINT_URL).get(0);
        if (api == ApiType.STATE_OF_THE_WORLD) {
            assertEquals("1", cds.version(), "re-subscribes from the version it has");
            assertEquals("", cds.nonce(), "nonces do not survive their stream");
            assertEquals(List.of("a"), eds.names());
        } else {
            assertEquals(Set.of("a", "b"), cds.initialVersions().keySet());
            assertEquals(Set.of("a"), eds.initialVersions().keySet());
            assertEquals(List.of("a"), eds.subscribe());
            assertTrue(cds.initialVersions().values().stream().noneMatch(String::isEmpty));
        }
        assertTrue(clusters.removedNames().isEmpty());
        List<StreamState> states = events.states();
        assertEquals(StreamState.CONNECTED, states.get(states.size() - 1));
        assertTrue(states.contains(StreamState.BACKOFF));
    }

    /** 8. */
    @ParameterizedTest
    @EnumSource(ApiType.class)
    void aResourceTheWatcherRefusesIsNackedAndNotHeld(ApiType api) throws Exception {
        clusters.refusing(name -> name.equals("clash") ? "port 8080 is taken by listener l1" : null);
        server.set(snapshot("1", List.of(cluster("a", "x"), cluster("clash", "y")), List.of(), List.of()));
        client(api, Duration.ZERO).start();

        await("NACK", () -> server.anyRequest(CLUSTER_URL, Seen::nack));
        Seen nack = server.requests(CLUSTER_URL).stream().filter(Seen::nack).findFirst().orElseThrow();
        assertEquals("Cluster \"clash\": port 8080 is taken by listener l1", nack.error());
        if (api == ApiType.STATE_OF_THE_WORLD) {
            assertEquals("", nack.version(), "nothing was accepted before");
        }
        assertEquals(Map.of("a", "a/x"), clusters.view());
        await("status", () -> type(CLUSTER_URL).lastNack() != null);
        assertEquals(1, type(CLUSTER_URL).resourceCount(), "the refused resource is not held");
        assertEquals("", type(CLUSTER_URL).ackedVersion());
        assertTrue(events.responses().contains(new RecordingEvents.Response(CLUSTER_URL, 1, 1, 0)));

        // a changes too: java-control-plane's delta server sends nothing for a snapshot whose only
        // change is the removal of a resource the client never ACKed.
        server.set(snapshot("2", List.of(cluster("a", "x2")), List.of(), List.of()));
        await("v2 ACKed", () -> "2".equals(type(CLUSTER_URL).ackedVersion()));
        assertEquals(1, type(CLUSTER_URL).resourceCount());
        assertEquals(Map.of("a", "a/x2"), clusters.view());
    }

    /** A CDS watcher subscribing EDS names, as a proxy does: the EDS request goes out before the CDS ACK. */
    @ParameterizedTest
    @EnumSource(ApiType.class)
    void aSubscriptionFromAWatcherGoesOutBeforeItsAck(ApiType api) throws Exception {
        server.set(snapshot("1", List.of(cluster("a", ""), cluster("b", "")),
                List.of(endpoints("a", 1), endpoints("b", 1)), List.of()));
        client(api, Duration.ZERO);
        clusters.onCall(() -> client.subscribe(ENDPOINTS, Set.of("a", "b")));
        client.start();

        await("endpoints", () -> endpoints.view().size() == 2);
        Seen.Sent cds = server.responses(CLUSTER_URL).get(0);
        await("CDS ACK", () -> server.anyRequest(CLUSTER_URL, r -> r.nonce().equals(cds.nonce())));
        List<Seen> requests = server.requests();
        int edsRequest = indexOf(requests, r -> r.typeUrl().equals(ENDPOINT_URL));
        int cdsAck = indexOf(requests, r -> r.typeUrl().equals(CLUSTER_URL) && r.nonce().equals(cds.nonce()));
        assertTrue(edsRequest >= 0 && cdsAck >= 0 && edsRequest < cdsAck, requests::toString);
    }

    /** 9. */
    @ParameterizedTest
    @EnumSource(ApiType.class)
    void nothingCallsBackAfterClose(ApiType api) throws Exception {
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger late = new java.util.concurrent.atomic.AtomicInteger();
        Runnable check = () -> {
            if (closed.get()) {
                late.incrementAndGet();
            }
        };
        clusters.onCall(check);
        events.onCall(check);
        server.set(snapshot("1", List.of(cluster("a", "0")), List.of(), List.of()));
        client(api, Duration.ofMillis(50)).start();
        client.subscribe(ENDPOINTS, Set.of("never"));
        await("connected", () -> clusters.view().size() == 1);

        // Snapshots keep coming while the client closes, so callbacks are in flight.
        java.util.concurrent.atomic.AtomicInteger pushed = new java.util.concurrent.atomic.AtomicInteger(1);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread pusher = new Thread(() -> {
            while (!stop.get()) {
                int v = pushed.incrementAndGet();
                server.set(snapshot(Integer.toString(v), List.of(cluster("a", Integer.toString(v))), List.of(),
                        List.of()));
            }
        }, "pusher");
        pusher.start();
        try {
            await("updates flowing", () -> clusters.changes().size() >= 5);
            client.close();
            closed.set(true);
            int atClose = pushed.get();
            await("more snapshots after close", () -> pushed.get() > atClose + 200);
        } finally {
            stop.set(true);
            pusher.join(WAIT.toMillis());
        }

        assertEquals(0, late.get(), "callbacks after close returned");
        assertTrue(client.terminated(), "the executor stopped");
        assertTrue(channel.isTerminated(), "the channel is closed");
        assertEquals(StreamState.IDLE, client.status().state());
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals(XdsClient.THREAD_NAME) && t.isAlive()));
        client.close();
    }

    /** 9, from inside: a watcher may close its own client. */
    @ParameterizedTest
    @EnumSource(ApiType.class)
    void aWatcherMayCloseItsClient(ApiType api) throws Exception {
        server.set(snapshot("1", List.of(cluster("a", "0")), List.of(), List.of(listener("l1", "in"))));
        client(api, Duration.ZERO);
        listeners.onCall(client::close);
        client.start();

        await("executor stopped", () -> client.terminated());
        assertEquals(1, listeners.calls());
        assertTrue(clusters.calls() == 0, "CDS is answered after LDS, by which time the client is closed");
        assertEquals(StreamState.IDLE, client.status().state());
        await("channel closed", () -> channel.isTerminated());
    }

    /** Envoy's {@code set_node_on_first_message_only}: the node goes with each stream's first request only. */
    @ParameterizedTest
    @EnumSource(ApiType.class)
    void theNodeCanGoOnTheFirstRequestOnly(ApiType api) throws Exception {
        server.set(snapshot("1", List.of(cluster("a", "x")), List.of(), List.of(listener("l1", "in"))));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        client = new XdsClient(channel, new XdsClientOptions(NODE, api, Duration.ZERO, BACKOFF_BASE, BACKOFF_MAX)
                .withNodeOnFirstRequestOnly(true), events);
        // One type only: java-control-plane files a request without a node under the empty
        // node's group, so a second type's first request would never be answered.
        client.watch(LISTENERS, listeners);
        client.start();
        await("listeners", () -> listeners.view().equals(Map.of("l1", "in")));
        await("LDS ACK", () -> server.requests(LISTENER_URL).size() >= 2);
        List<Seen> requests = server.requests();
        assertTrue(requests.get(0).hasNode());
        assertTrue(requests.subList(1, requests.size()).stream().noneMatch(Seen::hasNode),
                "only the first request carries the node: " + requests);
    }

    // ---- helpers

    private XdsClient client(ApiType api, Duration initialFetchTimeout) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        client = new XdsClient(channel,
                new XdsClientOptions(NODE, api, initialFetchTimeout, BACKOFF_BASE, BACKOFF_MAX), events);
        client.watch(LISTENERS, listeners);
        client.watch(CLUSTERS, clusters);
        client.watch(ENDPOINTS, endpoints);
        return client;
    }

    private XdsClientStatus.TypeStatus type(String typeUrl) {
        return client.status().types().stream().filter(t -> t.typeUrl().equals(typeUrl)).findFirst().orElseThrow();
    }

    private static Snapshot snapshot(String version, List<Cluster> clusters, List<ClusterLoadAssignment> endpoints,
            List<Listener> listeners) {
        return Snapshot.create(clusters, endpoints, listeners, List.of(), List.of(), version);
    }

    /** A new server on the port the old one had; the old one's socket may take a moment to go. */
    private static ControlPlane restartOn(int port) throws TimeoutException {
        ControlPlane[] started = new ControlPlane[1];
        Await.until("a server on port " + port, WAIT, () -> {
            try {
                started[0] = ControlPlane.start(port);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return started[0];
    }

    private static int indexOf(List<Seen> requests, java.util.function.Predicate<Seen> p) {
        for (int i = 0; i < requests.size(); i++) {
            if (p.test(requests.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static void await(String what, BooleanSupplier condition) throws TimeoutException {
        Await.until(what, WAIT, condition);
    }
}
