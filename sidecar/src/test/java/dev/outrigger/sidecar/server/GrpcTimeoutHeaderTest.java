package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.clusterOnPorts;
import static dev.outrigger.testing.Http2TestClient.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.Http2TestClient;
import dev.outrigger.testing.grpc.EchoReply;
import dev.outrigger.testing.grpc.EchoRequest;
import dev.outrigger.testing.grpc.GrpcEchoServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * gRPC calls from a client that keeps no deadline of its own (a raw HTTP/2 client that only
 * sends {@code grpc-timeout}): the proxy's reading of the header is all that bounds the call.
 */
class GrpcTimeoutHeaderTest {

    private static final String UNARY = "/outrigger.testing.Echo/Unary";

    /**
     * Every call to cluster {@code echo}; no {@code max_grpc_timeout}, so {@code grpc-timeout}
     * applies alongside the 15 s route timeout. The header is removed on the way upstream: a gRPC
     * server enforces it too, and would race the proxy to end the call.
     */
    private static String routes() {
        return "[{name: svc, domains: ['*'], routes: [{match: {prefix: '/'}, route: {cluster: echo}, "
                + "request_headers_to_remove: [grpc-timeout]}]}]";
    }

    /** A gRPC message: compression flag, big-endian length, the encoded request. */
    private static byte[] message(EchoRequest request) {
        byte[] encoded = request.toByteArray();
        return ByteBuffer.allocate(5 + encoded.length).put((byte) 0).putInt(encoded.length).put(encoded).array();
    }

    private static Map<String, String> grpcHeaders(String timeout) {
        return timeout == null ? Map.of("content-type", "application/grpc", "te", "trailers")
                : Map.of("content-type", "application/grpc", "te", "trailers", "grpc-timeout", timeout);
    }

    @Test
    void grpcTimeoutAloneEndsTheCallAndCancelsItUpstream() throws Exception {
        try (GrpcEchoServer server = GrpcEchoServer.start();
                ProxyFixture proxy = ProxyFixture.start(bootstrap(routes(),
                        clusterOnPorts("echo", TestConfigs.HTTP2, server.port())));
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            long start = System.nanoTime();
            Http2TestClient.Response r = await(client.request("POST", UNARY, "echo", grpcHeaders("200m"),
                    message(EchoRequest.newBuilder().setDelayMs(5_000).build())));
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertEquals(200, r.status());
            assertEquals("application/grpc", r.header("content-type"));
            assertEquals("4", r.header("grpc-status"), "DEADLINE_EXCEEDED, in a trailers-only reply");
            assertEquals("upstream_timeout", r.header("x-outrigger-error"), "the proxy ended the call");
            assertEquals(0, r.body().length);
            assertTrue(millis >= 190 && millis < 2_000, "ended after ~200 ms, not after the endpoint's 5 s: " + millis);
            Await.until("the server saw the call cancelled", Duration.ofSeconds(5), () -> server.cancelledCalls() == 1);
        }
    }

    @Test
    void aGrpcTimeoutTooLongForATimerIsNoDeadline() throws Exception {
        try (GrpcEchoServer server = GrpcEchoServer.start();
                ProxyFixture proxy = ProxyFixture.start(bootstrap(routes(),
                        clusterOnPorts("echo", TestConfigs.HTTP2, server.port())));
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            byte[] payload = "still served".getBytes(StandardCharsets.UTF_8);
            // 99,999,999 hours: more nanoseconds than a long holds.
            Http2TestClient.Response r = await(client.request("POST", UNARY, "echo", grpcHeaders("99999999H"),
                    message(EchoRequest.newBuilder().setPayload(ByteString.copyFrom(payload)).build())));
            assertEquals(200, r.status());
            assertEquals(null, r.header("x-outrigger-error"), "answered by the endpoint, not the proxy");
            assertEquals(List.of("0"), r.trailers().get("grpc-status"), "OK, in the trailers");
            EchoReply reply = EchoReply.parseFrom(Arrays.copyOfRange(r.body(), 5, r.body().length));
            assertArrayEquals(payload, reply.getPayload().toByteArray());
            assertEquals(0.0, TcpTestConfigs.metric(proxy.sidecar(),
                    "outrigger_downstream_rq_local_error_total{listener=\"outbound\",reason=\"internal_error\"}"));
        }
    }

    @Test
    void aTrailersOnlyErrorIsAnHttp200GrpcResponse() throws Exception {
        String elsewhere = "[{name: other, domains: ['elsewhere.example'], routes: [{match: {prefix: '/'}, "
                + "route: {cluster: echo}}]}]";
        try (ProxyFixture proxy = ProxyFixture.start(bootstrap(elsewhere,
                        clusterOnPorts("echo", TestConfigs.HTTP2, 1)));
                Http2TestClient client = Http2TestClient.connect(proxy.port("outbound"))) {
            Http2TestClient.Stream call = client.send("POST", UNARY, "echo", grpcHeaders(null),
                    message(EchoRequest.getDefaultInstance()));
            Http2TestClient.Response r = await(call.response());
            assertEquals(200, r.status(), ":status of a gRPC error is 200");
            assertEquals("application/grpc", r.header("content-type"));
            assertEquals("12", r.header("grpc-status"), "UNIMPLEMENTED, in the headers");
            assertEquals("no_route", r.header("x-outrigger-error"));
            assertEquals(Map.of(), r.trailers(), "one HEADERS frame that ends the stream: no separate trailers");
            assertEquals(0, r.body().length);
        }
    }
}
