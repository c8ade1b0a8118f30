package dev.outrigger.sidecar.xds;

import static dev.outrigger.sidecar.xds.XdsFixture.NODE;
import static dev.outrigger.sidecar.xds.XdsFixture.await;
import static dev.outrigger.sidecar.xds.XdsResources.edsCluster;
import static dev.outrigger.sidecar.xds.XdsResources.endpoints;
import static dev.outrigger.sidecar.xds.XdsResources.httpListener;
import static dev.outrigger.sidecar.xds.XdsResources.routes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.TestTcpServer;
import dev.outrigger.testing.TestUpstream;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sidecar driven by a real xDS server (java-control-plane's), with real traffic, in both
 * stream variants: initial config, live changes under load, a partly invalid snapshot, a lost
 * control plane, subscriptions that follow references.
 */
class XdsScenarioTest extends XdsTestBase {


    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void initialConfigArrivesAndTrafficFlows(String api) throws Exception {
        TestUpstream a = keep(TestUpstream.named("A"));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        cp.set(NODE, snapshot("1", List.of(edsCluster("svc")), List.of(endpoints("svc", a.port())),
                List.of(httpListener("out", 0, "routes")), List.of(routes("routes", Map.of("/", "svc")))));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "10s"));
        f.awaitReady();
        HttpResponse<String> r = f.get("out", "/hello");
        assertEquals(200, r.statusCode());
        assertEquals("A", r.body());
        String dump = f.admin("/config_dump");
        assertTrue(dump.contains("\"dynamic_listeners\""), dump);
        assertTrue(dump.contains("\"received_at\""), dump);
        assertTrue(dump.contains("\"applied_at\""), dump);
        String status = f.admin("/config_status");
        assertTrue(status.contains("\"state\" : \"CONNECTED\""), status);
        assertTrue(status.contains("\"acked_version\" : \"1\""), status);
        String metrics = f.admin("/stats/prometheus");
        assertTrue(metrics.contains("outrigger_xds_apply_time_seconds_count{type=\"cluster\"}"), metrics);
        assertTrue(metrics.contains("outrigger_xds_updates_total{result=\"ack\",type=\"listener\"}"), metrics);
    }

    /**
     * Routes, clusters and endpoints change while two clients send requests without pause; not
     * one request fails. The control plane adds a cluster before routing to it, as control
     * planes do (make before break).
     */
    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void routeClusterAndEndpointChangesUnderLoadFailNoRequest(String api) throws Exception {
        TestUpstream a = keep(TestUpstream.named("A"));
        TestUpstream b = keep(TestUpstream.named("B"));
        TestUpstream c = keep(TestUpstream.named("C"));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        Listener out = httpListener("out", 0, "routes");
        cp.set(NODE, snapshot("1", List.of(edsCluster("svc")), List.of(endpoints("svc", a.port())), List.of(out),
                List.of(routes("routes", Map.of("/", "svc")))));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "10s"));
        f.awaitReady();

        LoadLoop load = LoadLoop.start(f, "out", "/x", 2);
        try (load) {
            await("load flows", () -> load.ok() > 50);
            // A new cluster first, then the route to it.
            cp.set(NODE, snapshot("2", List.of(edsCluster("svc"), edsCluster("svc2")),
                    List.of(endpoints("svc", a.port()), endpoints("svc2", b.port())), List.of(out),
                    List.of(routes("routes", Map.of("/", "svc")))));
            await("svc2 running", () -> f.admin("/clusters").contains("svc2::127.0.0.1:" + b.port()));
            cp.set(NODE, snapshot("3", List.of(edsCluster("svc"), edsCluster("svc2")),
                    List.of(endpoints("svc", a.port()), endpoints("svc2", b.port())), List.of(out),
                    List.of(routes("routes", Map.of("/", "svc2")))));
            await("route change reaches B", () -> load.bodies().containsKey("B"));
            // An endpoint change: svc2 moves to C.
            long beforeC = load.ok();
            cp.set(NODE, snapshot("4", List.of(edsCluster("svc"), edsCluster("svc2")),
                    List.of(endpoints("svc", a.port()), endpoints("svc2", c.port())), List.of(out),
                    List.of(routes("routes", Map.of("/", "svc2")))));
            await("endpoint change reaches C", () -> load.bodies().containsKey("C"));
            await("more requests on C", () -> load.ok() > beforeC + 50);
        }
        assertEquals(List.of(), load.failures(), "requests that failed while the configuration changed");
        Map<String, Long> seen = load.bodies();
        assertTrue(seen.get("A") > 0 && seen.get("B") > 0 && seen.get("C") > 0, seen.toString());
        // B stopped getting requests once svc2 moved to C: its last request came before C's first.
        int bBefore = b.requestsStarted();
        f.get("out", "/x");
        assertEquals(bBefore, b.requestsStarted(), "a removed endpoint gets no new request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void anInvalidClusterIsNackedByNameAndTheValidOnesApply(String api) throws Exception {
        TestUpstream a = keep(TestUpstream.named("A"));
        TestUpstream b = keep(TestUpstream.named("B"));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        Listener out = httpListener("out", 0, "routes");
        RouteConfiguration rc = routes("routes", Map.of("/a", "good-a", "/b", "good-b", "/z", "bad"));
        cp.set(NODE, snapshot("1", List.of(edsCluster("good-a")), List.of(endpoints("good-a", a.port())),
                List.of(out), List.of(rc)));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "10s"));
        f.awaitReady();
        Cluster bad = edsCluster("bad").toBuilder().setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).build();
        cp.set(NODE, snapshot("2", List.of(edsCluster("good-a"), bad, edsCluster("good-b")),
                List.of(endpoints("good-a", a.port()), endpoints("good-b", b.port()), endpoints("bad", a.port())),
                List.of(out), List.of(rc)));
        f.awaitBody("out", "/b", "B");
        await("NACK sent", () -> cp.requests().stream().anyMatch(r -> r.nackDetail() != null));
        String nack = cp.requests().stream().filter(r -> r.nackDetail() != null).findFirst().orElseThrow().nackDetail();
        assertTrue(nack.contains("bad") && nack.contains("lb_policy") && nack.contains("CLUSTER_PROVIDED"), nack);
        assertFalse(nack.contains("good-b"), nack);
        HttpResponse<String> r = f.get("out", "/z");
        assertEquals(503, r.statusCode(), "the invalid cluster was not applied: " + r.body());
        assertEquals("A", f.get("out", "/a").body(), "what was accepted before keeps serving");
        String status = f.admin("/config_status");
        assertTrue(status.contains("\"last_nack\" : {"), status);
        assertTrue(status.contains("CLUSTER_PROVIDED"), status);
        assertTrue(f.admin("/stats/prometheus").contains("outrigger_xds_rejected_resources_total{type=\"cluster\"}"));

        // An invalid new version of a cluster that serves leaves the serving version in place.
        Cluster badA = edsCluster("good-a").toBuilder().setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).build();
        cp.set(NODE, snapshot("3", List.of(badA, edsCluster("good-b")),
                List.of(endpoints("good-a", a.port()), endpoints("good-b", b.port())), List.of(out), List.of(rc)));
        await("NACK of good-a", () -> cp.requests().stream().anyMatch(q -> q.nackDetail() != null
                && q.nackDetail().contains("\"good-a\"")));
        assertEquals("A", f.get("out", "/a").body(), "the good version keeps serving");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void lostControlPlaneKeepsTheLastConfigThenReconnectsAndResyncs(String api) throws Exception {
        TestUpstream a = keep(TestUpstream.named("A"));
        TestUpstream b = keep(TestUpstream.named("B"));
        TestControlPlane cp = TestControlPlane.start(0);
        int port = cp.port();
        Listener out = httpListener("out", 0, "routes");
        cp.set(NODE, snapshot("1", List.of(edsCluster("svc")), List.of(endpoints("svc", a.port())), List.of(out),
                List.of(routes("routes", Map.of("/", "svc")))));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "10s"));
        f.awaitReady();
        cp.close();
        await("stream lost", () -> !f.admin("/config_status").contains("\"state\" : \"CONNECTED\""));
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = f.get("out", "/x");
            assertEquals(200, r.statusCode());
            assertEquals("A", r.body(), "the last good config keeps serving");
        }
        assertEquals(200, f.adminResponse("/ready").statusCode(), "still ready without a control plane");

        TestControlPlane again = keep(TestControlPlane.start(port));
        again.set(NODE, snapshot("2", List.of(edsCluster("svc")), List.of(endpoints("svc", b.port())), List.of(out),
                List.of(routes("routes", Map.of("/", "svc")))));
        f.awaitBody("out", "/x", "B");
        assertTrue(f.admin("/config_status").contains("\"state\" : \"CONNECTED\""));
        if (api.equals("DELTA_GRPC")) {
            assertTrue(again.requests().stream().anyMatch(r -> r.initialVersions().contains("svc")),
                    "delta reconnect names what it holds: " + again.requests());
        }
        String reconnects = f.admin("/stats/prometheus").lines()
                .filter(l -> l.startsWith("outrigger_xds_stream_reconnects_total")).findFirst().orElseThrow();
        assertTrue(Double.parseDouble(reconnects.substring(reconnects.lastIndexOf(' ') + 1)) >= 1, reconnects);
    }

    /** The server stays up but ends the stream: the sidecar opens a new one and resyncs. */
    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void aKilledStreamIsReopenedAndResyncs(String api) throws Exception {
        TestUpstream a = keep(TestUpstream.named("A"));
        TestUpstream b = keep(TestUpstream.named("B"));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        Listener out = httpListener("out", 0, "routes");
        cp.set(NODE, snapshot("1", List.of(edsCluster("svc")), List.of(endpoints("svc", a.port())), List.of(out),
                List.of(routes("routes", Map.of("/", "svc")))));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "10s"));
        f.awaitReady();
        int streams = cp.streams();
        cp.killNextStream();
        // The next request the sidecar sends (the ACK of this snapshot) ends the stream.
        cp.set(NODE, snapshot("2", List.of(edsCluster("svc")), List.of(endpoints("svc", b.port())), List.of(out),
                List.of(routes("routes", Map.of("/", "svc")))));
        await("a new stream", () -> cp.streams() > streams);
        f.awaitBody("out", "/x", "B");
        assertEquals(200, f.adminResponse("/ready").statusCode());
        await("connected again", () -> f.admin("/config_status").contains("\"state\" : \"CONNECTED\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void subscriptionsFollowWhatListenersAndClustersReferTo(String api) throws Exception {
        TestUpstream a = keep(TestUpstream.named("A"));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        cp.set(NODE, snapshot("1", List.of(edsCluster("one")), List.of(endpoints("one", a.port())),
                List.of(httpListener("out", 0, "r1")), List.of(routes("r1", Map.of("/", "one")))));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "10s"));
        f.awaitReady();
        String rdsUrl = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
        String edsUrl = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
        assertTrue(cp.requests().stream().anyMatch(r -> r.typeUrl().equals(rdsUrl) && r.names().contains("r1")));
        assertTrue(cp.requests().stream().anyMatch(r -> r.typeUrl().equals(edsUrl) && r.names().contains("one")));
        int before = cp.requests().size();
        // The old listener keeps r1 subscribed until the new one (on r2) serves, so the snapshot
        // still has r1: java-control-plane answers a state-of-the-world request only when it has
        // every name asked for.
        cp.set(NODE, snapshot("2", List.of(edsCluster("two")), List.of(endpoints("two", a.port())),
                List.of(httpListener("out", 0, "r2")),
                List.of(routes("r1", Map.of("/", "two")), routes("r2", Map.of("/", "two")))));
        await("r2 and two subscribed, r1 and one dropped", () -> {
            List<TestControlPlane.Request> later = cp.requests().subList(before, cp.requests().size());
            if (api.equals("GRPC")) {
                return later.stream().anyMatch(r -> r.typeUrl().equals(rdsUrl) && r.names().equals(List.of("r2")))
                        && later.stream().anyMatch(r -> r.typeUrl().equals(edsUrl)
                                && r.names().equals(List.of("two")));
            }
            return later.stream().anyMatch(r -> r.typeUrl().equals(rdsUrl) && r.names().contains("r2"))
                    && later.stream().anyMatch(r -> r.typeUrl().equals(rdsUrl) && r.unsubscribe().contains("r1"))
                    && later.stream().anyMatch(r -> r.typeUrl().equals(edsUrl) && r.names().contains("two"))
                    && later.stream().anyMatch(r -> r.typeUrl().equals(edsUrl) && r.unsubscribe().contains("one"));
        });
        f.awaitBody("out", "/", "A");
        assertFalse(f.admin("/clusters").contains("one::"), "cluster one was removed by CDS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void aTcpProxyListenerFromLdsRelaysBytes(String api) throws Exception {
        TestTcpServer echo = keep(TestTcpServer.echo());
        TestControlPlane cp = keep(TestControlPlane.start(0));
        cp.set(NODE, snapshot("1", List.of(edsCluster("db")), List.of(endpoints("db", echo.port())),
                List.of(XdsResources.tcpListener("db-out", 0, "db")), List.of()));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "10s"));
        f.awaitReady();
        try (Socket s = new Socket()) {
            s.connect(f.sidecar.listenerAddress("db-out"), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("ping\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] back = s.getInputStream().readNBytes(5);
            assertEquals("ping\n", new String(back, java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void listenersAddedAndRemovedByLdsBindAndClose(String api) throws Exception {
        TestUpstream a = keep(TestUpstream.named("A"));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        List<Cluster> clusters = List.of(edsCluster("svc"));
        List<ClusterLoadAssignment> eds = List.of(endpoints("svc", a.port()));
        List<RouteConfiguration> rds = List.of(routes("routes", Map.of("/", "svc")));
        cp.set(NODE, snapshot("1", clusters, eds, List.of(httpListener("one", 0, "routes")), rds));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "10s"));
        f.awaitReady();
        InetSocketAddress one = f.sidecar.listenerAddress("one");
        cp.set(NODE, snapshot("2", clusters, eds, List.of(httpListener("two", 0, "routes")), rds));
        await("listener two bound", () -> f.sidecar.listenerNames().contains("two"));
        f.awaitBody("two", "/", "A");
        assertFalse(f.sidecar.listenerNames().contains("one"));
        await("listener one's port closed", () -> {
            try (Socket s = new Socket()) {
                s.connect(one, 1000);
                return false;
            } catch (ConnectException e) {
                return true;
            }
        });
    }
}
