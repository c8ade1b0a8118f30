package dev.outrigger.sidecar.ratelimit.global;

import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real gRPC rate limit service on 127.0.0.1 (ephemeral port) that records every request and
 * answers with what the test set, or never answers.
 */
public final class TestRateLimitServer implements AutoCloseable {

    private final Server server;
    private final List<RateLimitRequest> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorities = new CopyOnWriteArrayList<>();
    private final AtomicReference<RateLimitResponse> answer = new AtomicReference<>(
            RateLimitResponse.newBuilder().setOverallCode(RateLimitResponse.Code.OK).build());
    private final AtomicInteger cancelled = new AtomicInteger();
    private final List<StreamObserver<RateLimitResponse>> held = new CopyOnWriteArrayList<>();
    private volatile boolean silent;
    private volatile boolean holding;

    public TestRateLimitServer() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new Service())
                .intercept(new io.grpc.ServerInterceptor() {
                    @Override
                    public <Q, A> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, A> call,
                            io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, A> next) {
                        authorities.add(String.valueOf(call.getAuthority()));
                        return next.startCall(call, headers);
                    }
                })
                .build()
                .start();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.getPort());
    }

    /** Answers every later call with {@code response}. */
    public void answer(RateLimitResponse response) {
        answer.set(response);
    }

    /** Makes later calls wait forever (until the client gives up). */
    public void goSilent() {
        silent = true;
    }

    /** Keeps answers back until {@link #release()}. */
    void hold() {
        holding = true;
    }

    /** Sends the answers held back, and answers at once from now on. */
    void release() {
        holding = false;
        for (StreamObserver<RateLimitResponse> out : held) {
            out.onNext(answer.get());
            out.onCompleted();
        }
        held.clear();
    }

    public List<RateLimitRequest> requests() {
        return requests;
    }

    List<String> authorities() {
        return authorities;
    }

    /** Calls the client abandoned before an answer. */
    int cancelledCalls() {
        return cancelled.get();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Service extends RateLimitServiceGrpc.RateLimitServiceImplBase {
        @Override
        public void shouldRateLimit(RateLimitRequest request, StreamObserver<RateLimitResponse> out) {
            requests.add(request);
            ((ServerCallStreamObserver<RateLimitResponse>) out).setOnCancelHandler(cancelled::incrementAndGet);
            if (silent) {
                return;
            }
            if (holding) {
                held.add(out);
                return;
            }
            out.onNext(answer.get());
            out.onCompleted();
        }
    }
}
