package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.clusterOnPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.outrigger.testing.Await;
import dev.outrigger.testing.grpc.EchoGrpc;
import dev.outrigger.testing.grpc.EchoReply;
import dev.outrigger.testing.grpc.EchoRequest;
import dev.outrigger.testing.grpc.GrpcEchoServer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Errors the proxy itself produces reach a gRPC client as gRPC statuses, not HTTP error pages. */
class GrpcErrorsTest {

    private static final Metadata.Key<String> OUTRIGGER_ERROR =
            Metadata.Key.of("x-outrigger-error", Metadata.ASCII_STRING_MARSHALLER);

    private static String routes(String extraRouteFields) {
        return "[{name: svc, domains: ['*'], routes: [{match: {prefix: '/'}, route: {cluster: echo"
                + extraRouteFields + "}}]}]";
    }

    /** Runs {@code call} against a proxy from {@code yaml} and returns the status it failed with and its trailers. */
    private static StatusRuntimeException call(String yaml, long deadlineMillis,
            java.util.function.Function<EchoGrpc.EchoBlockingStub, Object> call) throws Exception {
        try (ProxyFixture proxy = ProxyFixture.start(yaml)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port("outbound"))
                    .usePlaintext().build();
            try {
                EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
                return assertThrows(StatusRuntimeException.class, () -> call.apply(stub));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void noRouteIsUnimplemented() throws Exception {
        String vhosts = "[{name: other, domains: ['elsewhere.example'], routes: [{match: {prefix: '/'}, route: {cluster: echo}}]}]";
        StatusRuntimeException e = call(bootstrap(vhosts, clusterOnPorts("echo", TestConfigs.HTTP2, 1)), 10_000,
                stub -> stub.unary(EchoRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
        assertEquals("no route matched the request", e.getStatus().getDescription());
        assertEquals("no_route", e.getTrailers().get(OUTRIGGER_ERROR));
    }

    @Test
    void anUnreachableEndpointIsUnavailable() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        StatusRuntimeException e = call(bootstrap(routes(""), clusterOnPorts("echo", TestConfigs.HTTP2, closed)),
                10_000, stub -> stub.unary(EchoRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertEquals("upstream_connect_failure", e.getTrailers().get(OUTRIGGER_ERROR));
    }

    @Test
    void aClusterSpokenToInHttp11IsRefusedWithAClearReason() throws Exception {
        try (GrpcEchoServer server = GrpcEchoServer.start()) {
            StatusRuntimeException e = call(bootstrap(routes(""), clusterOnPorts("echo", "", server.port())), 10_000,
                    stub -> stub.unary(EchoRequest.getDefaultInstance()));
            assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("gRPC needs an HTTP/2 upstream"),
                    e.getStatus().getDescription());
            assertEquals("grpc_needs_http2", e.getTrailers().get(OUTRIGGER_ERROR));
        }
    }

    @Test
    void theProxyEnforcesTheDeadlineCappedByMaxGrpcTimeout() throws Exception {
        try (GrpcEchoServer server = GrpcEchoServer.start()) {
            long start = System.nanoTime();
            // The client allows 10 s; the route caps every deadline at 300 ms.
            StatusRuntimeException e = call(bootstrap(routes(", max_grpc_timeout: 0.3s"),
                    clusterOnPorts("echo", TestConfigs.HTTP2, server.port())), 10_000,
                    stub -> stub.unary(EchoRequest.newBuilder().setDelayMs(5_000).build()));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
            assertEquals("upstream_timeout", e.getTrailers().get(OUTRIGGER_ERROR), "the proxy ended it, not the client");
            assertTrue(millis < 5_000, "ended by the proxy after ~300 ms, took " + millis);
            Await.until("the server saw the call cancelled", Duration.ofSeconds(5), () -> server.cancelledCalls() == 1);
        }
    }

    @Test
    void aDeadlineReachedMidStreamEndsTheCallWithTrailers() throws Exception {
        try (GrpcEchoServer server = GrpcEchoServer.start();
                ProxyFixture proxy = ProxyFixture.start(bootstrap(routes(", max_grpc_timeout: 0.5s"),
                        clusterOnPorts("echo", TestConfigs.HTTP2, server.port())))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port("outbound"))
                    .usePlaintext().build();
            try {
                AtomicReference<Metadata> trailers = new AtomicReference<>();
                CompletableFuture<EchoReply> first = new CompletableFuture<>();
                CompletableFuture<Status> end = new CompletableFuture<>();
                StreamObserver<EchoRequest> out = EchoGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers))
                        .bidi(new StreamObserver<>() {
                            @Override
                            public void onNext(EchoReply value) {
                                first.complete(value);
                            }

                            @Override
                            public void onError(Throwable t) {
                                end.complete(Status.fromThrowable(t));
                            }

                            @Override
                            public void onCompleted() {
                                end.complete(Status.OK);
                            }
                        });
                out.onNext(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("started")).build());
                assertEquals("started", first.get(5, TimeUnit.SECONDS).getPayload().toStringUtf8(),
                        "the response is under way before the deadline");
                Status status = end.get(5, TimeUnit.SECONDS);
                assertEquals(Status.Code.DEADLINE_EXCEEDED, status.getCode());
                assertEquals("upstream request timeout", status.getDescription());
                assertEquals("upstream_timeout", trailers.get().get(OUTRIGGER_ERROR), "the proxy ended it in the trailers");
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
