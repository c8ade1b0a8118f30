package dev.outrigger.testing.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A real grpc-java server of the {@code Echo} test service on 127.0.0.1 (ephemeral port). */
public final class GrpcEchoServer implements AutoCloseable {

    private final Server server;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger cancelled = new AtomicInteger();

    private GrpcEchoServer() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new Service())
                .maxInboundMessageSize(64 << 20)
                .build()
                .start();
    }

    /** Starts a server. */
    public static GrpcEchoServer start() throws IOException {
        return new GrpcEchoServer();
    }

    /** The bound port. */
    public int port() {
        return server.getPort();
    }

    /** Calls whose client went away (cancelled, deadline, reset) before the server finished. */
    public int cancelledCalls() {
        return cancelled.get();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        timers.shutdownNow();
    }

    private static EchoReply reply(EchoRequest r, int index) {
        ByteString payload = r.getReplySize() > 0 ? ByteString.copyFrom(new byte[r.getReplySize()]) : r.getPayload();
        return EchoReply.newBuilder().setPayload(payload).setIndex(index).build();
    }

    private static boolean failIfAsked(EchoRequest r, StreamObserver<?> out) {
        if (r.getFailWithStatus() == 0) {
            return false;
        }
        out.onError(Status.fromCodeValue(r.getFailWithStatus()).withDescription(r.getFailMessage()).asRuntimeException());
        return true;
    }

    private final class Service extends EchoGrpc.EchoImplBase {

        private void later(EchoRequest r, Runnable action) {
            if (r.getDelayMs() > 0) {
                timers.schedule(action, r.getDelayMs(), TimeUnit.MILLISECONDS);
            } else {
                action.run();
            }
        }

        private void watchCancel(StreamObserver<?> out) {
            ((ServerCallStreamObserver<?>) out).setOnCancelHandler(cancelled::incrementAndGet);
        }

        @Override
        public void unary(EchoRequest request, StreamObserver<EchoReply> out) {
            watchCancel(out);
            later(request, () -> {
                if (!failIfAsked(request, out)) {
                    out.onNext(reply(request, 0));
                    out.onCompleted();
                }
            });
        }

        @Override
        public void serverStream(EchoRequest request, StreamObserver<EchoReply> out) {
            watchCancel(out);
            later(request, () -> {
                for (int i = 0; i < request.getCount(); i++) {
                    out.onNext(reply(request, i));
                }
                if (!failIfAsked(request, out)) {
                    out.onCompleted();
                }
            });
        }

        @Override
        public StreamObserver<EchoRequest> clientStream(StreamObserver<EchoReply> out) {
            watchCancel(out);
            return new StreamObserver<>() {
                private long total;
                private int count;

                @Override
                public void onNext(EchoRequest r) {
                    total += r.getPayload().size();
                    count++;
                }

                @Override
                public void onError(Throwable t) {
                    // the client cancelled; nothing to answer
                }

                @Override
                public void onCompleted() {
                    out.onNext(EchoReply.newBuilder().setTotalBytes(total).setIndex(count).build());
                    out.onCompleted();
                }
            };
        }

        @Override
        public StreamObserver<EchoRequest> bidi(StreamObserver<EchoReply> out) {
            watchCancel(out);
            return new StreamObserver<>() {
                private int index;

                @Override
                public void onNext(EchoRequest r) {
                    if (!failIfAsked(r, out)) {
                        out.onNext(reply(r, index++));
                    }
                }

                @Override
                public void onError(Throwable t) {
                    // the client cancelled
                }

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }
    }
}
