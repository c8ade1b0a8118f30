package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.outrigger.proto.admin.v1.ClustersStatus;
import dev.outrigger.proto.admin.v1.EndpointStatus;
import dev.outrigger.proto.admin.v1.ServerInfo;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The admin endpoint of a running sidecar. */
class AdminTest {

    @Test
    void metricsClustersConfigAndServerInfo() throws Exception {
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("backend"), cluster("backend", a)));
                RawHttpClient client = proxy.client("outbound")) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, client.get("/").status());
            }
            assertEquals(200, client.request("GET", "/", "h", java.util.Map.of(), null).status());

            String metrics = proxy.admin("GET", "/stats/prometheus").body();
            assertTrue(metrics.contains(
                    "outrigger_downstream_rq_total{listener=\"outbound\",response_code_class=\"2xx\"} 4.0"), metrics);
            assertTrue(metrics.contains(
                    "outrigger_upstream_rq_total{cluster=\"backend\",response_code_class=\"2xx\"} 4.0"), metrics);
            assertTrue(metrics.contains("outrigger_downstream_cx_total{listener=\"outbound\"} 1.0"), metrics);
            assertTrue(metrics.contains("outrigger_upstream_cx_total{cluster=\"backend\"} 1.0"), metrics);
            assertTrue(metrics.contains("outrigger_downstream_rq_time_seconds_bucket{listener=\"outbound\",le=\"0.001\"}"),
                    metrics);
            assertTrue(metrics.contains("outrigger_upstream_rq_time_seconds_count{cluster=\"backend\"} 4"), metrics);
            assertTrue(metrics.contains("jvm_memory_used_bytes"), metrics);

            String text = proxy.admin("GET", "/clusters").body();
            String ep = "backend::127.0.0.1:" + a.port();
            assertTrue(text.contains(ep + "::rq_total::4\n"), text);
            assertTrue(text.contains(ep + "::cx_total::1\n"), text);
            assertTrue(text.contains(ep + "::health_flags::healthy\n"), text);

            ClustersStatus.Builder json = ClustersStatus.newBuilder();
            JsonFormat.parser().merge(proxy.admin("GET", "/clusters?format=json").body(), json);
            EndpointStatus status = json.getClusters(0).getEndpoints(0);
            assertEquals(a.port(), status.getPort());
            assertEquals(4, status.getRqTotal());
            assertEquals(1, status.getCxActive());

            HttpResponse<String> dump = proxy.admin("GET", "/config_dump");
            assertEquals("application/json", dump.headers().firstValue("content-type").orElseThrow());
            assertTrue(dump.body().contains("\"outbound\"") && dump.body().contains("\"backend\""), dump.body());

            ServerInfo.Builder info = ServerInfo.newBuilder();
            JsonFormat.parser().merge(proxy.admin("GET", "/server_info").body(), info);
            assertEquals(ServerInfo.State.LIVE, info.getState());
            assertTrue(info.getConcurrency() > 0);

            assertEquals(200, proxy.admin("GET", "/healthz").statusCode());
            assertEquals(404, proxy.admin("GET", "/nope").statusCode());
            assertEquals(405, proxy.admin("POST", "/clusters").statusCode());
        }
    }

    @Test
    void drainIsPostOnlyAndMakesReadyFail() throws Exception {
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)))) {
            HttpResponse<String> get = proxy.admin("GET", "/drain");
            assertEquals(405, get.statusCode());
            assertEquals("POST", get.headers().firstValue("allow").orElseThrow());
            assertEquals(Lifecycle.LIVE, proxy.sidecar().state());

            assertEquals(202, proxy.admin("POST", "/drain").statusCode());
            proxy.sidecar().drain().get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(Lifecycle.DRAINING, proxy.sidecar().state());
            HttpResponse<String> ready = proxy.admin("GET", "/ready");
            assertEquals(503, ready.statusCode());
            assertEquals("DRAINING\n", ready.body());
        }
    }
}
