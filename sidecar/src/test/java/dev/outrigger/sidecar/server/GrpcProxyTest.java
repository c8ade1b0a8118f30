package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.clusterOnPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.outrigger.testing.grpc.EchoGrpc;
import dev.outrigger.testing.grpc.EchoReply;
import dev.outrigger.testing.grpc.EchoRequest;
import dev.outrigger.testing.grpc.GrpcEchoServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real grpc-java client and server, with the sidecar between them, for every call kind. */
class GrpcProxyTest {

    private GrpcEchoServer server;
    private ProxyFixture proxy;
    private ManagedChannel channel;
    private EchoGrpc.EchoBlockingStub blocking;
    private EchoGrpc.EchoStub async;

    @BeforeEach
    void start() throws Exception {
        server = GrpcEchoServer.start();
        proxy = ProxyFixture.start(bootstrap(catchAll("echo"), clusterOnPorts("echo", TestConfigs.HTTP2, server.port())));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port("outbound")).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
        // Every call has a deadline: a proxy bug must fail a test, not hang it.
        blocking = EchoGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
        async = EchoGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        proxy.close();
        server.close();
    }

    @Test
    void unaryWithALargeMessage() {
        ByteString payload = ByteString.copyFrom(new byte[8 << 20]);
        EchoReply r = blocking.unary(EchoRequest.newBuilder().setPayload(payload).build());
        assertEquals(payload.size(), r.getPayload().size());
        assertEquals(payload, r.getPayload());
    }

    @Test
    void serverStreaming() {
        Iterator<EchoReply> replies = blocking.serverStream(EchoRequest.newBuilder().setCount(50)
                .setReplySize(100_000).build());
        int n = 0;
        while (replies.hasNext()) {
            EchoReply r = replies.next();
            assertEquals(n++, r.getIndex());
            assertEquals(100_000, r.getPayload().size());
        }
        assertEquals(50, n);
    }

    @Test
    void clientStreaming() throws Exception {
        CompletableFuture<EchoReply> done = new CompletableFuture<>();
        StreamObserver<EchoRequest> out = async.clientStream(observer(done));
        for (int i = 0; i < 40; i++) {
            out.onNext(EchoRequest.newBuilder().setPayload(ByteString.copyFrom(new byte[250_000])).build());
        }
        out.onCompleted();
        EchoReply r = done.get(20, TimeUnit.SECONDS);
        assertEquals(40L * 250_000, r.getTotalBytes());
        assertEquals(40, r.getIndex());
    }

    @Test
    void bidiStreaming() throws Exception {
        List<EchoReply> got = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<EchoRequest> out = async.bidi(new StreamObserver<>() {
            @Override
            public void onNext(EchoReply value) {
                synchronized (got) {
                    got.add(value);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        for (int i = 0; i < 100; i++) {
            out.onNext(EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8("m" + i)).build());
        }
        out.onCompleted();
        done.get(20, TimeUnit.SECONDS);
        assertEquals(100, got.size());
        assertEquals("m99", got.get(99).getPayload().toStringUtf8());
    }

    @Test
    void statusAndMessageInTrailersArriveIntact() {
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> blocking.unary(EchoRequest.newBuilder().setFailWithStatus(Status.Code.NOT_FOUND.value())
                        .setFailMessage("no such thing: ünïcode %").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertEquals("no such thing: ünïcode %", e.getStatus().getDescription());
    }

    @Test
    void aDeadlineIsHonouredByTheProxy() {
        long start = System.nanoTime();
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> blocking.withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                        .unary(EchoRequest.newBuilder().setDelayMs(5_000).build()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
    }

    private static <T> StreamObserver<T> observer(CompletableFuture<T> done) {
        return new StreamObserver<>() {
            private T last;

            @Override
            public void onNext(T value) {
                last = value;
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(last);
            }
        };
    }
}
