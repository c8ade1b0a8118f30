package dev.outrigger.sidecar.xds;

import static dev.outrigger.sidecar.xds.XdsFixture.NODE;
import static dev.outrigger.sidecar.xds.XdsFixture.await;
import static dev.outrigger.sidecar.xds.XdsResources.edsCluster;
import static dev.outrigger.sidecar.xds.XdsResources.endpoints;
import static dev.outrigger.sidecar.xds.XdsResources.httpListener;
import static dev.outrigger.sidecar.xds.XdsResources.routes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a new snapshot must not do: fail a request already in flight, drop the socket of a
 * listener whose address stays, or wait forever for a resource the control plane never sends.
 */
class XdsLiveUpdateTest extends XdsTestBase {


    /** A request that started on the old routes and endpoints finishes there, after both changed. */
    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void inFlightRequestsFinishOnTheSnapshotTheyStartedWith(String api) throws Exception {
        TestUpstream slow = keep(TestUpstream.start("slow", r -> Reply.ok("slow").delay(Duration.ofMillis(1500))));
        TestUpstream fresh = keep(TestUpstream.named("fresh"));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        Listener out = httpListener("out", 0, "routes");
        cp.set(NODE, Snapshot.create(List.of(edsCluster("svc")), List.of(endpoints("svc", slow.port())), List.of(out),
                List.of(routes("routes", Map.of("/", "svc"))), List.of(), "1"));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "10s"));
        f.awaitReady();
        CompletableFuture<HttpResponse<String>> inFlight = inFlight(f, "out", "/slow");
        await("request reached the slow endpoint", () -> slow.requestsStarted() == 1);
        // The endpoint leaves, and the routes now point at another cluster.
        cp.set(NODE, Snapshot.create(List.of(edsCluster("svc"), edsCluster("other")),
                List.of(endpoints("svc", fresh.port()), endpoints("other", fresh.port())), List.of(out),
                List.of(routes("routes", Map.of("/", "other"))), List.of(), "2"));
        f.awaitBody("out", "/", "fresh");
        HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertEquals("slow", r.body());
    }

    /** A listener removed by LDS stops accepting and lets the request in flight on it finish. */
    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void aRemovedListenerDrains(String api) throws Exception {
        TestUpstream slow = keep(TestUpstream.start("slow", r -> Reply.ok("slow").delay(Duration.ofMillis(1500))));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        List<io.envoyproxy.envoy.config.cluster.v3.Cluster> clusters = List.of(edsCluster("svc"));
        var eds = List.of(endpoints("svc", slow.port()));
        var rds = List.of(routes("routes", Map.of("/", "svc")));
        cp.set(NODE, Snapshot.create(clusters, eds, List.of(httpListener("gone", 0, "routes")), rds, List.of(), "1"));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "10s"));
        f.awaitReady();
        java.net.InetSocketAddress address = f.sidecar.listenerAddress("gone");
        CompletableFuture<HttpResponse<String>> inFlight = inFlight(f, "gone", "/");
        await("request reached the endpoint", () -> slow.requestsStarted() == 1);
        cp.set(NODE, Snapshot.create(clusters, eds, List.of(), rds, List.of(), "2"));
        await("listener removed", () -> !f.sidecar.listenerNames().contains("gone"));
        await("its port refuses connections", () -> {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(address, 1000);
                return false;
            } catch (java.net.ConnectException e) {
                return true;
            }
        });
        HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertEquals("slow", r.body());
    }

    /**
     * An LDS update of a listener on a fixed port keeps its socket: clients connecting without
     * pause are never refused, and no request fails while old connections drain.
     */
    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void aListenerUpdateOnTheSameAddressKeepsItsSocket(String api) throws Exception {
        TestUpstream a = keep(TestUpstream.named("A"));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Listener v1 = httpListener("out", port, "routes");
        Listener v2 = httpListener("out", port, "routes", "out-v2");
        cp.set(NODE, Snapshot.create(List.of(edsCluster("svc")), List.of(endpoints("svc", a.port())), List.of(v1),
                List.of(routes("routes", Map.of("/", "svc"))), List.of(), "1"));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "10s"));
        f.awaitReady();
        LoadLoop load = LoadLoop.start(f, "out", "/", 1);
        // New connections without pause: a socket closed and bound again would refuse some.
        load.run("new-connections", () -> {
            try (java.net.Socket sock = new java.net.Socket("127.0.0.1", port)) {
                sock.setSoTimeout(5000);
                sock.getOutputStream().write("GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String reply = new String(sock.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
                return reply.startsWith("HTTP/1.1 200") ? "new connection" : null;
            }
        });
        try (load) {
            await("load flows", () -> count(load, "A") > 50 && count(load, "new connection") > 20);
            cp.set(NODE, Snapshot.create(List.of(edsCluster("svc")), List.of(endpoints("svc", a.port())), List.of(v2),
                    List.of(routes("routes", Map.of("/", "svc"))), List.of(), "2"));
            await("listener updated", () -> f.admin("/config_dump").contains("\"stat_prefix\" : \"out-v2\""));
            long reused = count(load, "A");
            long fresh = count(load, "new connection");
            await("requests after the update", () -> count(load, "A") > reused + 50
                    && count(load, "new connection") > fresh + 20);
        }
        assertEquals(List.of(), load.failures());
        assertEquals(port, f.sidecar.listenerAddress("out").getPort());
    }

    /**
     * What a listener configuration's filters opened (clients of other services) is closed once
     * its connections drained: not while a request is still in flight on it, and not for the
     * configuration that replaced it until that one is removed too.
     */
    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void aReplacedListenersFiltersAreReleasedAfterItsConnectionsDrain(String api) throws Exception {
        dev.outrigger.sidecar.config.TestHttpFilter.register();
        TestUpstream slow = keep(TestUpstream.start("slow", r -> Reply.ok("slow").delay(Duration.ofMillis(1500))));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        var clusters = List.of(edsCluster("svc"));
        var eds = List.of(endpoints("svc", slow.port()));
        var rds = List.of(routes("routes", Map.of("/", "svc")));
        int built = dev.outrigger.sidecar.config.TestHttpFilter.TRACKED_BUILT.get();
        int released = dev.outrigger.sidecar.config.TestHttpFilter.TRACKED_RELEASED.get();
        cp.set(NODE, Snapshot.create(clusters, eds, List.of(tracked(httpListener("out", 0, "routes"))), rds,
                List.of(), "1"));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "10s"));
        f.awaitReady();
        CompletableFuture<HttpResponse<String>> inFlight = inFlight(f, "out", "/");
        await("request reached the endpoint", () -> slow.requestsStarted() == 1);
        cp.set(NODE, Snapshot.create(clusters, eds, List.of(tracked(httpListener("out", 0, "routes", "out-v2"))),
                rds, List.of(), "2"));
        await("listener updated", () -> f.admin("/config_dump").contains("\"stat_prefix\" : \"out-v2\""));
        assertEquals(built + 2, dev.outrigger.sidecar.config.TestHttpFilter.TRACKED_BUILT.get());
        assertEquals(released, dev.outrigger.sidecar.config.TestHttpFilter.TRACKED_RELEASED.get(),
                "the old configuration still serves a request");
        assertEquals("slow", inFlight.get(10, TimeUnit.SECONDS).body());
        await("the old configuration released once drained",
                () -> dev.outrigger.sidecar.config.TestHttpFilter.TRACKED_RELEASED.get() == released + 1);
        cp.set(NODE, Snapshot.create(clusters, eds, List.of(), rds, List.of(), "3"));
        await("the removed listener's configuration released",
                () -> dev.outrigger.sidecar.config.TestHttpFilter.TRACKED_RELEASED.get() == released + 2);
    }

    /** {@code listener} with the test filter in mode {@code tracked} before its router. */
    private static Listener tracked(Listener listener) throws Exception {
        var chain = listener.getFilterChains(0);
        var hcm = chain.getFilters(0).getTypedConfig().unpack(
                io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.class);
        hcm = hcm.toBuilder().addHttpFilters(0, io.envoyproxy.envoy.extensions.filters.network.http_connection_manager
                .v3.HttpFilter.newBuilder().setName("tracked").setTypedConfig(com.google.protobuf.Any.pack(
                        com.google.protobuf.StringValue.of("tracked")))).build();
        return listener.toBuilder().setFilterChains(0, chain.toBuilder().setFilters(0, chain.getFilters(0).toBuilder()
                .setTypedConfig(com.google.protobuf.Any.pack(hcm)))).build();
    }

    private static long count(LoadLoop load, String body) {
        return load.bodies().getOrDefault(body, 0L);
    }

    /** A listener renamed on the same port: the old one's socket is closed before the new one binds. */
    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void aListenerRenamedOnTheSamePortTakesItOver(String api) throws Exception {
        TestUpstream a = keep(TestUpstream.named("A"));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        var clusters = List.of(edsCluster("svc"));
        var eds = List.of(endpoints("svc", a.port()));
        var rds = List.of(routes("routes", Map.of("/", "svc")));
        cp.set(NODE, Snapshot.create(clusters, eds, List.of(httpListener("old", port, "routes")), rds, List.of(), "1"));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "10s"));
        f.awaitReady();
        cp.set(NODE, Snapshot.create(clusters, eds, List.of(httpListener("new", port, "routes")), rds, List.of(), "2"));
        await("renamed", () -> f.sidecar.listenerNames().equals(List.of("new")));
        f.awaitBody("new", "/", "A");
        assertEquals(port, f.sidecar.listenerAddress("new").getPort());
        assertTrue(cp.requests().stream().noneMatch(r -> r.nackDetail() != null), "nothing was refused");
    }

    /**
     * A route configuration the control plane never sends: after the initial fetch timeout the
     * listener serves without it (404, as Envoy) and the sidecar is ready.
     */
    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void aResourceThatNeverArrivesStopsBlockingAfterTheInitialFetchTimeout(String api) throws Exception {
        TestUpstream a = keep(TestUpstream.named("A"));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        cp.set(NODE, Snapshot.create(List.of(edsCluster("svc")), List.of(endpoints("svc", a.port())),
                List.of(httpListener("out", 0, "missing")), List.of(), List.of(), "1"));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "1s"));
        assertEquals(503, f.adminResponse("/ready").statusCode(), "warming: not ready");
        f.awaitReady();
        HttpResponse<String> r = f.get("out", "/");
        assertEquals(404, r.statusCode());
        assertTrue(f.admin("/clusters").contains("svc::127.0.0.1:" + a.port()));
    }
}
