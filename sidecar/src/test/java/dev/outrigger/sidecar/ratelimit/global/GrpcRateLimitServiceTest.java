package dev.outrigger.sidecar.ratelimit.global;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.ratelimit.Descriptor;
import dev.outrigger.testing.Await;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrpcRateLimitServiceTest {

    private static final Duration GENEROUS = Duration.ofSeconds(5);

    private TestRateLimitServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new TestRateLimitServer();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    private static GlobalDecision await(CompletableFuture<GlobalDecision> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static GlobalRateLimitException failure(CompletableFuture<GlobalDecision> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(GlobalRateLimitException.class, e.getCause());
    }

    @Test
    void sendsDomainDescriptorsAndHits() throws Exception {
        try (GrpcRateLimitService rls = new GrpcRateLimitService("ratelimit", List.of(server.address()), GENEROUS)) {
            await(rls.shouldRateLimit("shop", List.of(Descriptor.ofPairs("path", "/login", "method", "POST"),
                    Descriptor.ofPairs("remote_address", "10.0.0.7")), 0));
            await(rls.shouldRateLimit("shop", List.of(Descriptor.ofPairs("generic_key", "bulk")), 5));
        }
        assertEquals(2, server.requests().size());
        RateLimitRequest first = server.requests().get(0);
        assertEquals("shop", first.getDomain());
        assertEquals(0, first.getHitsAddend(), "0 is sent unset, meaning 1");
        assertEquals(List.of(
                RateLimitDescriptor.newBuilder()
                        .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("path").setValue("/login"))
                        .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("method").setValue("POST")).build(),
                RateLimitDescriptor.newBuilder()
                        .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("remote_address")
                                .setValue("10.0.0.7")).build()), first.getDescriptorsList());
        assertEquals(5, server.requests().get(1).getHitsAddend());
        assertEquals("ratelimit", server.authorities().get(0), "the service's name is the call's authority");
    }

    @Test
    void okAnswerWithStatusesAndHeaders() throws Exception {
        server.answer(RateLimitResponse.newBuilder()
                .setOverallCode(RateLimitResponse.Code.OK)
                .addStatuses(RateLimitResponse.DescriptorStatus.newBuilder().setCode(RateLimitResponse.Code.OK)
                        .setCurrentLimit(RateLimitResponse.RateLimit.newBuilder().setRequestsPerUnit(100)
                                .setUnit(RateLimitResponse.RateLimit.Unit.MINUTE))
                        .setLimitRemaining(42)
                        .setDurationUntilReset(com.google.protobuf.Duration.newBuilder().setSeconds(17)))
                .addRequestHeadersToAdd(HeaderValue.newBuilder().setKey("x-quota-tier").setValue("gold"))
                .addResponseHeadersToAdd(HeaderValue.newBuilder().setKey("x-quota-left").setValue("42"))
                .build());
        GlobalDecision d;
        try (GrpcRateLimitService rls = new GrpcRateLimitService("rls", List.of(server.address()), GENEROUS)) {
            d = await(rls.shouldRateLimit("shop", List.of(Descriptor.ofPairs("k", "v")), 1));
        }
        assertFalse(d.isOverLimit());
        assertEquals(List.of(new DescriptorStatus(RateLimitCode.OK, CurrentLimit.of(100, RateLimitUnit.MINUTE), 42,
                Duration.ofSeconds(17))), d.statuses());
        assertEquals(List.of(new dev.outrigger.sidecar.ratelimit.global.HeaderValue("x-quota-tier", "gold")),
                d.requestHeadersToAdd());
        assertEquals(List.of(new dev.outrigger.sidecar.ratelimit.global.HeaderValue("x-quota-left", "42")),
                d.responseHeadersToAdd());
        assertEquals(new XRateLimitHeaders("100, 100;w=60", "42", "17"), XRateLimitHeaders.from(d.statuses()));
    }

    @Test
    void overLimitAnswerWithPerDescriptorStatusesAndBody() throws Exception {
        server.answer(RateLimitResponse.newBuilder()
                .setOverallCode(RateLimitResponse.Code.OVER_LIMIT)
                .addStatuses(RateLimitResponse.DescriptorStatus.newBuilder().setCode(RateLimitResponse.Code.OK)
                        .setCurrentLimit(RateLimitResponse.RateLimit.newBuilder().setRequestsPerUnit(1000)
                                .setUnit(RateLimitResponse.RateLimit.Unit.HOUR))
                        .setLimitRemaining(10))
                .addStatuses(RateLimitResponse.DescriptorStatus.newBuilder()
                        .setCode(RateLimitResponse.Code.OVER_LIMIT)
                        .setCurrentLimit(RateLimitResponse.RateLimit.newBuilder().setRequestsPerUnit(5)
                                .setUnit(RateLimitResponse.RateLimit.Unit.SECOND).setName("burst"))
                        .setDurationUntilReset(com.google.protobuf.Duration.newBuilder().setNanos(300_000_000)))
                .addResponseHeadersToAdd(HeaderValue.newBuilder().setKey("retry-after").setValue("1"))
                .setRawBody(com.google.protobuf.ByteString.copyFromUtf8("{\"error\":\"slow down\"}"))
                .build());
        GlobalDecision d;
        try (GrpcRateLimitService rls = new GrpcRateLimitService("rls", List.of(server.address()), GENEROUS)) {
            d = await(rls.shouldRateLimit("shop", List.of(Descriptor.ofPairs("a", "1"), Descriptor.ofPairs("b", "2")),
                    1));
        }
        assertTrue(d.isOverLimit());
        assertEquals(RateLimitCode.OK, d.statuses().get(0).code());
        assertEquals(RateLimitCode.OVER_LIMIT, d.statuses().get(1).code());
        assertEquals(new CurrentLimit(5, RateLimitUnit.SECOND, "burst"), d.statuses().get(1).currentLimit());
        assertEquals(Duration.ofMillis(300), d.statuses().get(1).durationUntilReset());
        assertEquals("retry-after", d.responseHeadersToAdd().get(0).name());
        assertEquals("{\"error\":\"slow down\"}", new String(d.rawBody(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(new XRateLimitHeaders("5, 1000;w=3600, 5;w=1;name=\"burst\"", "0", "0"),
                XRateLimitHeaders.from(d.statuses()));
    }

    @Test
    void aSilentServiceFailsTheCallAtItsDeadline() throws Exception {
        server.goSilent();
        Duration timeout = Duration.ofMillis(100);
        try (GrpcRateLimitService rls = new GrpcRateLimitService("rls", List.of(server.address()), timeout)) {
            // A first call opens the connection, so the deadline measured next is not spent connecting.
            CompletableFuture<GlobalDecision> warm = rls.shouldRateLimit("d", List.of(), 1);
            assertTrue(failure(warm).isTimeout());
            long start = System.nanoTime();
            CompletableFuture<GlobalDecision> call = rls.shouldRateLimit("d", List.of(Descriptor.ofPairs("k", "v")), 1);
            GlobalRateLimitException e = failure(call);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(e.isTimeout(), e.getMessage());
            assertTrue(e.getMessage().startsWith("rate limit service rls failed the call with DEADLINE_EXCEEDED"),
                    e.getMessage());
            assertTrue(elapsedMs >= 90 && elapsedMs < 1_000, "failed after " + elapsedMs + "ms, deadline 100ms");
        }
        // The calls that reached the service (under load the first may expire on the way) are abandoned.
        Await.until("the service sees its calls abandoned", GENEROUS,
                () -> !server.requests().isEmpty() && server.cancelledCalls() == server.requests().size());
    }

    @Test
    void aServiceThatIsDownFailsTheCallQuickly() throws Exception {
        InetSocketAddress nobody;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nobody = new InetSocketAddress("127.0.0.1", s.getLocalPort());
        }
        try (GrpcRateLimitService rls = new GrpcRateLimitService("down", List.of(nobody), Duration.ofSeconds(2))) {
            long start = System.nanoTime();
            GlobalRateLimitException e = failure(rls.shouldRateLimit("d", List.of(Descriptor.ofPairs("k", "v")), 1));
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertFalse(e.isTimeout(), e.getMessage());
            assertTrue(e.getMessage().startsWith("rate limit service down failed the call with UNAVAILABLE"),
                    e.getMessage());
            assertTrue(elapsedMs < 2_000, "a refused connection fails before the deadline, took " + elapsedMs + "ms");
        }
    }

    @Test
    void aServiceThatGoesAwayFailsLaterCalls() throws Exception {
        try (GrpcRateLimitService rls = new GrpcRateLimitService("rls", List.of(server.address()), GENEROUS)) {
            assertFalse(await(rls.shouldRateLimit("d", List.of(), 1)).isOverLimit());
            server.close();
            GlobalRateLimitException e = failure(rls.shouldRateLimit("d", List.of(), 1));
            assertFalse(e.isTimeout(), e.getMessage());
        }
    }

    @Test
    void callsAreBalancedOverEveryAddressAndFollowUpdates() throws Exception {
        try (TestRateLimitServer second = new TestRateLimitServer();
                TestRateLimitServer third = new TestRateLimitServer();
                GrpcRateLimitService rls = new GrpcRateLimitService("rls",
                        List.of(server.address(), second.address()), GENEROUS)) {
            Await.until("both endpoints get calls", GENEROUS, () -> {
                rls.shouldRateLimit("d", List.of(), 1).join();
                return !server.requests().isEmpty() && !second.requests().isEmpty();
            });
            rls.updateAddresses(List.of(third.address()));
            Await.until("calls move to the new endpoint", GENEROUS, () -> {
                rls.shouldRateLimit("d", List.of(), 1).join();
                return !third.requests().isEmpty();
            });
            int before = server.requests().size() + second.requests().size();
            for (int i = 0; i < 5; i++) {
                await(rls.shouldRateLimit("d", List.of(), 1));
            }
            assertEquals(before, server.requests().size() + second.requests().size(), "old endpoints get no more");
        }
    }

    @Test
    void withoutEndpointsCallsFailUntilSomeAreGiven() throws Exception {
        try (GrpcRateLimitService rls = new GrpcRateLimitService("empty", List.of(), GENEROUS)) {
            GlobalRateLimitException e = failure(rls.shouldRateLimit("d", List.of(), 1));
            assertTrue(e.getMessage().contains("the rate limit service empty has no endpoints"), e.getMessage());
            rls.updateAddresses(List.of(server.address()));
            Await.until("a call is answered", GENEROUS, () -> {
                CompletableFuture<GlobalDecision> f = rls.shouldRateLimit("d", List.of(), 1);
                return !f.handle((d, x) -> x != null).join();
            });
        }
        assertFalse(server.requests().isEmpty());
    }

    @Test
    void answersCompleteOnTheGivenEventLoops() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("rls-test-loop", true),
                NioIoHandler.newFactory());
        try (GrpcRateLimitService rls = new GrpcRateLimitService("rls", List.of(server.address()), GENEROUS, group,
                NioSocketChannel.class)) {
            AtomicReference<String> thread = new AtomicReference<>();
            server.hold();
            CompletableFuture<GlobalDecision> call = rls.shouldRateLimit("d", List.of(), 1);
            CompletableFuture<GlobalDecision> seen = call.whenComplete((d, e) ->
                    thread.set(Thread.currentThread().getName()));
            Await.until("the call reaches the service", GENEROUS, () -> server.requests().size() == 1);
            server.release();
            await(seen);
            assertTrue(thread.get().startsWith("rls-test-loop"), thread.get());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void cancellingTheFutureCancelsTheCall() throws Exception {
        server.goSilent();
        try (GrpcRateLimitService rls = new GrpcRateLimitService("rls", List.of(server.address()), GENEROUS)) {
            CompletableFuture<GlobalDecision> call = rls.shouldRateLimit("d", List.of(), 1);
            Await.until("the call reaches the service", GENEROUS, () -> server.requests().size() == 1);
            assertTrue(call.cancel(false));
            Await.until("the service sees the call cancelled", GENEROUS, () -> server.cancelledCalls() == 1);
        }
    }

    @Test
    void aClosedServiceFailsCalls() {
        GrpcRateLimitService rls = new GrpcRateLimitService("rls", List.of(server.address()), GENEROUS);
        rls.close();
        GlobalRateLimitException e = failure(rls.shouldRateLimit("d", List.of(), 1));
        assertTrue(e.getMessage().contains("UNAVAILABLE"), e.getMessage());
    }

    @Test
    void rejectsWhatNoCallCanCarry() {
        try (GrpcRateLimitService rls = new GrpcRateLimitService("rls", List.of(server.address()), GENEROUS)) {
            assertThrows(IllegalArgumentException.class, () -> rls.shouldRateLimit("", List.of(), 1));
            assertThrows(IllegalArgumentException.class, () -> rls.shouldRateLimit("d", List.of(), -1));
        }
        assertThrows(IllegalArgumentException.class,
                () -> new GrpcRateLimitService("rls", List.of(server.address()), Duration.ZERO));
    }
}
