package dev.outrigger.sidecar.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.proto.admin.v1.ClusterStatus;
import dev.outrigger.proto.admin.v1.ClustersStatus;
import dev.outrigger.proto.admin.v1.EndpointStatus;
import dev.outrigger.proto.admin.v1.ServerInfo;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Admin paths answered by the handler alone, with a backend whose state the test sets. */
class AdminHandlerTest {

    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicInteger drains = new AtomicInteger();
    private ServerInfo.State state = ServerInfo.State.INITIALIZING;

    private final AdminBackend backend = new AdminBackend() {
        @Override
        public boolean isReady() {
            return ready.get();
        }

        @Override
        public ServerInfo serverInfo() {
            return ServerInfo.newBuilder().setState(state).build();
        }

        @Override
        public String configDumpJson() {
            return "{}";
        }

        @Override
        public String certsJson() {
            return "{\"certificates\": []}";
        }

        @Override
        public String configStatusJson() {
            return "{\"source\": \"static\"}";
        }

        @Override
        public ClustersStatus clusters() {
            return ClustersStatus.newBuilder().addClusters(ClusterStatus.newBuilder().setName("c").setLbPolicy("ROUND_ROBIN")
                    .addEndpoints(EndpointStatus.newBuilder().setAddress("::1").setPort(80).setRqTotal(7)
                            .setHealthStatus("HEALTHY"))).build();
        }

        @Override
        public String prometheusScrape() {
            return "m 1\n";
        }

        @Override
        public void startDrain() {
            drains.incrementAndGet();
        }
    };

    private FullHttpResponse call(HttpMethod method, String uri) {
        EmbeddedChannel ch = new EmbeddedChannel(new AdminHandler(backend));
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.EMPTY_BUFFER));
        FullHttpResponse r = ch.readOutbound();
        ch.finishAndReleaseAll();
        return r;
    }

    private static String body(FullHttpResponse r) {
        try {
            return r.content().toString(StandardCharsets.UTF_8);
        } finally {
            r.release();
        }
    }

    @Test
    void readyIs503WhileInitializingThen200ThenDrainingIs503() {
        FullHttpResponse r = call(HttpMethod.GET, "/ready");
        assertEquals(503, r.status().code());
        assertEquals("INITIALIZING\n", body(r));

        ready.set(true);
        state = ServerInfo.State.LIVE;
        r = call(HttpMethod.GET, "/ready");
        assertEquals(200, r.status().code());
        assertEquals("LIVE\n", body(r));

        ready.set(false);
        state = ServerInfo.State.DRAINING;
        r = call(HttpMethod.GET, "/ready");
        assertEquals(503, r.status().code());
        assertEquals("DRAINING\n", body(r));
    }

    @Test
    void clustersTextUsesEnvoysLineFormatWithBracketedIpv6() {
        String text = body(call(HttpMethod.GET, "/clusters"));
        assertTrue(text.contains("c::[::1]:80::rq_total::7\n"), text);
        assertTrue(text.contains("c::lb_policy::ROUND_ROBIN\n"), text);
    }

    @Test
    void drainRunsOnlyOnPost() {
        FullHttpResponse r = call(HttpMethod.GET, "/drain");
        assertEquals(405, r.status().code());
        r.release();
        assertEquals(0, drains.get());
        r = call(HttpMethod.POST, "/drain");
        assertEquals(202, r.status().code());
        r.release();
        assertEquals(1, drains.get());
    }

    @Test
    void unknownPathListsTheEndpoints() {
        FullHttpResponse r = call(HttpMethod.GET, "/nope");
        assertEquals(404, r.status().code());
        String body = body(r);
        assertTrue(body.contains("/stats/prometheus"));
        assertTrue(body.contains("/config_status"));
    }

    @Test
    void configStatusIsServedAsJson() {
        FullHttpResponse r = call(HttpMethod.GET, "/config_status");
        assertEquals(200, r.status().code());
        assertEquals("application/json", r.headers().get("content-type"));
        assertEquals("{\"source\": \"static\"}", body(r));
    }
}
