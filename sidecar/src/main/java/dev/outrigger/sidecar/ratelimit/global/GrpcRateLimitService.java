package dev.outrigger.sidecar.ratelimit.global;

import dev.outrigger.sidecar.ratelimit.Descriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client of a rate limit service speaking Envoy's protocol,
 * {@code envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit}, over one gRPC channel
 * (plain text: mutual TLS to the service is not supported yet) that balances round robin across
 * the service's endpoints.
 *
 * <p>Each call has a deadline of the configured timeout, so a slow or absent service costs a
 * request at most that long. Futures complete on the channel's I/O thread (an event loop of the
 * group given, or gRPC's own); callbacks chained without an executor run there and must not block.
 * Cancelling a future cancels its call.
 */
public final class GrpcRateLimitService implements GlobalRateLimitService {

    private static final long RECONNECT_AT_MOST_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final long timeoutNanos;
    private final StaticAddressResolver resolver;
    private final ManagedChannel channel;
    private final AtomicLong lastReconnectNanos = new AtomicLong(System.nanoTime() - RECONNECT_AT_MOST_EVERY_NANOS);

    /**
     * A client on gRPC's own event loops.
     *
     * @param name the service's name, e.g. its cluster's: the calls' {@code :authority} and the
     *     name in errors
     * @param addresses the service's endpoints; may be empty until {@link #updateAddresses}
     * @param timeout each call's deadline
     */
    public GrpcRateLimitService(String name, List<InetSocketAddress> addresses, Duration timeout) {
        this(name, addresses, timeout, null, null);
    }

    /**
     * A client whose connections live on {@code group} (e.g. the sidecar's workers), whose
     * channels are of {@code channelType}; both null for gRPC's own.
     */
    public GrpcRateLimitService(String name, List<InetSocketAddress> addresses, Duration timeout,
            EventLoopGroup group, Class<? extends Channel> channelType) {
        this.name = Objects.requireNonNull(name, "name");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be greater than 0, got " + timeout);
        }
        if ((group == null) != (channelType == null)) {
            throw new IllegalArgumentException("give both an event loop group and a channel type, or neither");
        }
        this.timeoutNanos = timeout.toNanos();
        this.resolver = new StaticAddressResolver(name, addresses);
        this.channel = channel(resolver, group, channelType);
        // Connect now rather than on the first request, whose deadline is short.
        channel.getState(true);
    }

    @SuppressWarnings("deprecation") // nameResolverFactory: the only channel-local way to give a fixed address list
    private static ManagedChannel channel(StaticAddressResolver resolver, EventLoopGroup group,
            Class<? extends Channel> channelType) {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(StaticAddressResolver.SCHEME + ":///rls")
                .nameResolverFactory(resolver)
                .defaultLoadBalancingPolicy("round_robin")
                .usePlaintext()
                // The answer is mapped to a decision at once and nothing blocks: no need to hop threads.
                .directExecutor();
        if (group != null) {
            builder.eventLoopGroup(group).channelType(channelType);
        }
        return builder.build();
    }

    /** Replaces the service's endpoints, e.g. when its cluster's membership changes. */
    public void updateAddresses(List<InetSocketAddress> addresses) {
        resolver.update(addresses);
    }

    @Override
    public CompletableFuture<GlobalDecision> shouldRateLimit(String domain, List<Descriptor> descriptors,
            int hitsAddend) {
        if (domain.isEmpty()) {
            throw new IllegalArgumentException("domain must not be empty");
        }
        if (hitsAddend < 0) {
            throw new IllegalArgumentException("hitsAddend must not be negative, got " + hitsAddend);
        }
        RateLimitRequest request = RlsMessages.request(domain, descriptors, hitsAddend);
        ClientCall<RateLimitRequest, RateLimitResponse> call = channel.newCall(
                RateLimitServiceGrpc.getShouldRateLimitMethod(),
                CallOptions.DEFAULT.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS));
        CompletableFuture<GlobalDecision> result = new CompletableFuture<>();
        result.whenComplete((decision, failure) -> {
            if (result.isCancelled()) {
                call.cancel("the caller no longer needs the decision", null);
            }
        });
        ClientCalls.asyncUnaryCall(call, request, new StreamObserver<>() {
            @Override
            public void onNext(RateLimitResponse response) {
                try {
                    result.complete(RlsMessages.decision(response, "rate limit service " + name));
                } catch (GlobalRateLimitException e) {
                    result.completeExceptionally(e);
                }
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(failure(Status.fromThrowable(t), t));
            }

            @Override
            public void onCompleted() {
                if (!result.isDone()) {
                    result.completeExceptionally(new GlobalRateLimitException("rate limit service " + name
                            + " ended the call without an answer"));
                }
            }
        });
        return result;
    }

    private GlobalRateLimitException failure(Status status, Throwable cause) {
        boolean timeout = status.getCode() == Status.Code.DEADLINE_EXCEEDED;
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            reconnectSoon();
        }
        String detail = status.getDescription() == null ? "" : ": " + status.getDescription();
        return new GlobalRateLimitException("rate limit service " + name + " failed the call with "
                + status.getCode() + detail, timeout, cause);
    }

    /**
     * After a failed connection gRPC waits longer and longer (up to two minutes) before trying
     * again, and fails calls meanwhile; a rate limit service that restarts would go unused that
     * long. Calls that find it unavailable shorten the wait, to at most one attempt a second.
     */
    private void reconnectSoon() {
        long now = System.nanoTime();
        long last = lastReconnectNanos.get();
        if (now - last >= RECONNECT_AT_MOST_EVERY_NANOS && lastReconnectNanos.compareAndSet(last, now)) {
            channel.resetConnectBackoff();
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }

    @Override
    public String toString() {
        return "GrpcRateLimitService[" + name + "]";
    }
}
