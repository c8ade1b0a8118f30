package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static dev.outrigger.sidecar.server.TestConfigs.withSidecarSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.Await;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.RawHttpClient.Response;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Draining lets in-flight requests finish, refuses new connections, and has a deadline. */
class DrainTest {

    @Test
    void drainFinishesTheInFlightRequestAndRefusesNewConnections() throws Exception {
        try (TestUpstream slow = TestUpstream.start("slow", r -> Reply.ok("finished").delay(Duration.ofMillis(700)));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("slow"), cluster("slow", slow)));
                RawHttpClient inflight = proxy.client("outbound");
                RawHttpClient idle = proxy.client("outbound")) {
            int port = proxy.port("outbound");
            assertEquals(200, proxy.admin("GET", "/ready").statusCode());
            inflight.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");
            slow.awaitRequests(1, Duration.ofSeconds(5));

            CompletableFuture<Void> drained = proxy.sidecar().drain();
            assertEquals(Lifecycle.DRAINING, proxy.sidecar().state());
            assertEquals(503, proxy.admin("GET", "/ready").statusCode());
            // The listening socket closes on its event loop, right after drain() returns.
            Await.until("the listener refuses connections", Duration.ofSeconds(5), () -> refuses(port));
            assertTrue(idle.isClosedByPeer(), "an idle keep-alive connection is closed at once");
            assertFalse(drained.isDone(), "a request is still in flight");

            Response r = inflight.read();
            assertEquals(200, r.status());
            assertEquals("finished", r.text());
            assertEquals("close", r.header("connection"));
            drained.get(5, TimeUnit.SECONDS);
            assertTrue(inflight.isClosedByPeer());
        }
    }

    @Test
    void aConnectionDiscardingABodyClosesWhenDrainingBeganMeanwhile() throws Exception {
        String vhosts = "[{name: only, domains: ['api.local'], routes: [{match: {prefix: '/'}, route: {cluster: a}}]}]";
        try (TestUpstream a = TestUpstream.named("a");
                ProxyFixture proxy = ProxyFixture.start(bootstrap(vhosts, cluster("a", a)));
                RawHttpClient client = proxy.client("outbound")) {
            client.send("POST / HTTP/1.1\r\nHost: elsewhere\r\nContent-Length: 10\r\n\r\nfirst");
            Response r = client.read();
            assertEquals(404, r.status());
            assertEquals(null, r.header("connection"), "kept: the rest of the small body will be dropped");
            CompletableFuture<Void> drained = proxy.sidecar().drain();
            client.send("-half");
            assertTrue(client.isClosedByPeer(), "closed once the body is done, not kept open until the deadline");
            drained.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void drainDeadlineClosesWhatIsStillOpen() throws Exception {
        try (TestUpstream hang = TestUpstream.start("hang", r -> Reply.hang())) {
            String yaml = withSidecarSettings(bootstrap(catchAll("hang"), cluster("hang", hang)), "drain_timeout: 0.3s");
            try (ProxyFixture proxy = ProxyFixture.start(yaml); RawHttpClient client = proxy.client("outbound")) {
                client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
                hang.awaitRequests(1, Duration.ofSeconds(5));
                long start = System.nanoTime();
                proxy.sidecar().drain().get(5, TimeUnit.SECONDS);
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(tookMillis >= 250, "the deadline is honoured, took " + tookMillis + " ms");
                assertThrows(IOException.class, client::read);
            }
        }
    }

    private static boolean refuses(int port) {
        try (RawHttpClient c = RawHttpClient.connect(port)) {
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }
}
