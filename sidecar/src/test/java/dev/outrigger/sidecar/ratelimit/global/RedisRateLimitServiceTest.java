package dev.outrigger.sidecar.ratelimit.global;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.ratelimit.Descriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Redis backend against a real redis-server, shared by the sidecars (service instances) of each test. */
class RedisRateLimitServiceTest {

    /** A whole minute (and second) since the epoch, where the test clocks start. */
    private static final long T0 = 1_800_000_000_000L;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Descriptor API = Descriptor.ofPairs("generic_key", "api:v1");

    private static TestRedisServer redis;

    private final MutableClock clock = new MutableClock(T0);
    private final List<RedisRateLimitService> services = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = TestRedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void emptyRedis() {
        redis.commands().flushall();
        redis.commands().configResetstat();
    }

    @AfterEach
    void closeServices() {
        services.forEach(RedisRateLimitService::close);
    }

    private RedisRateLimitService sidecar(TestRedisServer server, RedisAlgorithm algorithm, Duration timeout,
            RedisLimit... limits) {
        RedisRateLimitService s = new RedisRateLimitService(
                new GlobalRateLimitBackend.Redis("127.0.0.1", server.port(), algorithm, List.of(limits)), timeout,
                null, clock);
        services.add(s);
        return s;
    }

    private RedisRateLimitService sidecar(RedisLimit... limits) {
        return sidecar(redis, RedisAlgorithm.FIXED_WINDOW, TIMEOUT, limits);
    }

    private static RedisLimit limit(Descriptor d, long n, RateLimitUnit unit) {
        return new RedisLimit(d, n, unit);
    }

    private static GlobalDecision ask(RedisRateLimitService s, Descriptor... descriptors) throws Exception {
        return s.shouldRateLimit("shop", List.of(descriptors), 1).get(10, TimeUnit.SECONDS);
    }

    private static GlobalRateLimitException failure(CompletableFuture<GlobalDecision> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(GlobalRateLimitException.class, e.getCause());
    }

    @Test
    void fixedWindowAdmitsExactlyTheLimitAcrossTwoSidecars() throws Exception {
        RedisRateLimitService a = sidecar(limit(API, 5, RateLimitUnit.MINUTE));
        RedisRateLimitService b = sidecar(limit(API, 5, RateLimitUnit.MINUTE));
        List<Long> remaining = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            GlobalDecision d = ask(i % 2 == 0 ? a : b, API);
            assertFalse(d.isOverLimit(), "request " + (i + 1) + " of 5");
            remaining.add(d.statuses().get(0).limitRemaining());
        }
        assertEquals(List.of(4L, 3L, 2L, 1L, 0L), remaining, "both sidecars count in the same counter");
        GlobalDecision refusedByRedis = ask(b, API);
        assertTrue(refusedByRedis.isOverLimit());
        assertEquals(new DescriptorStatus(RateLimitCode.OVER_LIMIT, CurrentLimit.of(5, RateLimitUnit.MINUTE), 0,
                Duration.ofMinutes(1)), refusedByRedis.statuses().get(0));
        assertTrue(ask(a, API).isOverLimit());
        String key = "outrigger:rl:shop:generic_key=api%3Av1:1800000000";
        assertEquals("5", redis.commands().get(key), "refused requests are not counted");
        long ttl = redis.commands().pttl(key);
        assertTrue(ttl > 60_000 && ttl <= 121_000, "the counter outlives its window by one, ttl " + ttl);
        assertEquals(6, redis.scriptRuns(), "five counted, one refused by Redis, one refused from a's cache");
    }

    @Test
    void concurrentCallsFromTwoSidecarsNeverOvershoot() throws Exception {
        RedisRateLimitService a = sidecar(limit(API, 40, RateLimitUnit.MINUTE));
        RedisRateLimitService b = sidecar(limit(API, 40, RateLimitUnit.MINUTE));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<GlobalDecision>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            RedisRateLimitService s = i % 2 == 0 ? a : b;
            calls.add(pool.submit(() -> {
                go.await();
                return ask(s, API);
            }));
        }
        go.countDown();
        int admitted = 0;
        for (java.util.concurrent.Future<GlobalDecision> f : calls) {
            if (!f.get(30, java.util.concurrent.TimeUnit.SECONDS).isOverLimit()) {
                admitted++;
            }
        }
        pool.shutdown();
        assertEquals(40, admitted, "the script counts atomically: 100 racing calls, exactly the limit admitted");
        List<String> keys = redis.commands().keys("outrigger:rl:shop:*");
        assertEquals(1, keys.size(), keys.toString());
        assertEquals("40", redis.commands().get(keys.get(0)), "refused calls counted nowhere");
    }

    @Test
    void emptyValuesCountEachDistinctValueApart() throws Exception {
        RedisRateLimitService s = sidecar(limit(Descriptor.ofPairs("client", ""), 2, RateLimitUnit.MINUTE));
        Descriptor alice = Descriptor.ofPairs("client", "alice");
        Descriptor bob = Descriptor.ofPairs("client", "bob");
        assertFalse(ask(s, alice).isOverLimit());
        assertFalse(ask(s, alice).isOverLimit());
        assertTrue(ask(s, alice).isOverLimit());
        assertFalse(ask(s, bob).isOverLimit(), "bob has a counter of his own");
        assertEquals(1, ask(s, bob).statuses().get(0).limitRemaining() + 1);
        assertEquals("2", redis.commands().get("outrigger:rl:shop:client=alice:1800000000"));
        assertEquals("2", redis.commands().get("outrigger:rl:shop:client=bob:1800000000"));
    }

    @Test
    void anExactDescriptorTakesPrecedenceOverAnEmptyValue() throws Exception {
        Descriptor vip = Descriptor.ofPairs("client", "vip");
        RedisRateLimitService s = sidecar(limit(Descriptor.ofPairs("client", ""), 1, RateLimitUnit.MINUTE),
                limit(vip, 3, RateLimitUnit.MINUTE));
        assertEquals(CurrentLimit.of(3, RateLimitUnit.MINUTE), ask(s, vip).statuses().get(0).currentLimit());
        assertEquals(CurrentLimit.of(1, RateLimitUnit.MINUTE),
                ask(s, Descriptor.ofPairs("client", "x")).statuses().get(0).currentLimit());
    }

    @Test
    void aCachedRefusalSendsNothingToRedis() throws Exception {
        RedisRateLimitService s = sidecar(limit(API, 2, RateLimitUnit.MINUTE));
        ask(s, API);
        ask(s, API);
        long runs = redis.scriptRuns();
        assertEquals(2, runs);
        clock.advance(Duration.ofSeconds(20));
        for (int i = 0; i < 50; i++) {
            CompletableFuture<GlobalDecision> f = s.shouldRateLimit("shop", List.of(API), 1);
            assertTrue(f.isDone(), "answered on the caller's thread, without a round trip");
            GlobalDecision d = f.get();
            assertTrue(d.isOverLimit());
            assertEquals(Duration.ofSeconds(40), d.statuses().get(0).durationUntilReset(), "until the window ends");
        }
        assertEquals(runs, redis.scriptRuns(), "no script ran while the refusal was cached");
        assertEquals(1, s.cachedCounters());
    }

    @Test
    void aCachedRefusalHoldsUntilItsWindowEndsEvenWithoutRedis() throws Exception {
        try (TestRedisServer own = TestRedisServer.start()) {
            RedisRateLimitService s = sidecar(own, RedisAlgorithm.FIXED_WINDOW, TIMEOUT,
                    limit(API, 1, RateLimitUnit.MINUTE));
            assertFalse(ask(s, API).isOverLimit());
            own.kill();
            clock.advance(Duration.ofMillis(59_999));
            assertTrue(ask(s, API).isOverLimit(), "still the same window: refused from the cache");
            clock.advance(Duration.ofMillis(1));
            GlobalRateLimitException e = failure(s.shouldRateLimit("shop", List.of(API), 1));
            assertTrue(e.getMessage().startsWith("redis 127.0.0.1:" + own.port() + " failed"), e.getMessage());
        }
    }

    @Test
    void aNewWindowStartsANewCount() throws Exception {
        RedisRateLimitService s = sidecar(limit(API, 2, RateLimitUnit.SECOND));
        clock.advance(Duration.ofMillis(900));
        assertFalse(ask(s, API).isOverLimit());
        assertFalse(ask(s, API).isOverLimit());
        assertTrue(ask(s, API).isOverLimit());
        clock.advance(Duration.ofMillis(100));
        GlobalDecision next = ask(s, API);
        assertFalse(next.isOverLimit(), "the next second");
        assertEquals(1, next.statuses().get(0).limitRemaining());
        assertEquals("2", redis.commands().get("outrigger:rl:shop:generic_key=api%3Av1:1800000000"));
        assertEquals("1", redis.commands().get("outrigger:rl:shop:generic_key=api%3Av1:1800000001"));
    }

    @Test
    void slidingWindowWeighsThePreviousWindow() throws Exception {
        RedisLimit tenPerMinute = limit(API, 10, RateLimitUnit.MINUTE);
        RedisRateLimitService a = sidecar(redis, RedisAlgorithm.SLIDING_WINDOW, TIMEOUT, tenPerMinute);
        clock.advance(Duration.ofSeconds(50));
        for (int i = 0; i < 10; i++) {
            assertFalse(ask(a, API).isOverLimit());
        }
        // The next minute begins: a fixed window would admit ten more at once; this one weighs the
        // full previous minute and refuses, until 6s in (10 × 54/60 + 1 fits under 10).
        clock.set(T0 + 60_000);
        RedisRateLimitService b = sidecar(redis, RedisAlgorithm.SLIDING_WINDOW, TIMEOUT, tenPerMinute);
        GlobalDecision refused = ask(b, API);
        assertTrue(refused.isOverLimit(), "refused by Redis, for b has cached nothing");
        assertEquals(Duration.ofSeconds(6), refused.statuses().get(0).durationUntilReset());
        clock.set(T0 + 65_999);
        assertTrue(ask(b, API).isOverLimit());
        clock.set(T0 + 66_000);
        GlobalDecision admitted = ask(b, API);
        assertFalse(admitted.isOverLimit());
        assertEquals(0, admitted.statuses().get(0).limitRemaining());
        assertTrue(ask(a, API).isOverLimit(), "9 weighted + 1 counted: full again");
        assertEquals("10", redis.commands().get("outrigger:rl:shop:generic_key=api%3Av1:1800000000"));
        assertEquals("1", redis.commands().get("outrigger:rl:shop:generic_key=api%3Av1:1800000060"));
    }

    @Test
    void hitsAddendCountsSeveralAndZeroCountsOne() throws Exception {
        RedisRateLimitService s = sidecar(limit(API, 5, RateLimitUnit.MINUTE));
        assertEquals(2, s.shouldRateLimit("shop", List.of(API), 3).get(10, TimeUnit.SECONDS)
                .statuses().get(0).limitRemaining());
        assertTrue(s.shouldRateLimit("shop", List.of(API), 3).get(10, TimeUnit.SECONDS).isOverLimit());
        assertEquals(0, s.cachedCounters(), "a request of one still fits: nothing to cache");
        assertEquals(1, s.shouldRateLimit("shop", List.of(API), 0).get(10, TimeUnit.SECONDS)
                .statuses().get(0).limitRemaining());
        assertEquals("4", redis.commands().get("outrigger:rl:shop:generic_key=api%3Av1:1800000000"));
    }

    @Test
    void aRequestIsCountedOnlyWhenEveryLimitHasRoom() throws Exception {
        Descriptor path = Descriptor.ofPairs("path", "/login");
        RedisRateLimitService s = sidecar(limit(API, 3, RateLimitUnit.MINUTE), limit(path, 10, RateLimitUnit.HOUR));
        assertFalse(s.shouldRateLimit("shop", List.of(path, API), 2).get(10, TimeUnit.SECONDS).isOverLimit());
        GlobalDecision refused = s.shouldRateLimit("shop", List.of(path, API), 2).get(10, TimeUnit.SECONDS);
        assertTrue(refused.isOverLimit());
        assertEquals(new DescriptorStatus(RateLimitCode.OK, CurrentLimit.of(10, RateLimitUnit.HOUR), 8,
                Duration.ofHours(1)), refused.statuses().get(0), "not drained by a request refused elsewhere");
        assertEquals(new DescriptorStatus(RateLimitCode.OVER_LIMIT, CurrentLimit.of(3, RateLimitUnit.MINUTE), 0,
                Duration.ofMinutes(1)), refused.statuses().get(1));
        assertEquals("2", redis.commands().get("outrigger:rl:shop:path=/login:1800000000"));
        assertEquals("2", redis.commands().get("outrigger:rl:shop:generic_key=api%3Av1:1800000000"));
        assertEquals(0, s.cachedCounters(), "one more still fits");

        assertFalse(ask(s, path, API).isOverLimit(), "fills the minute's limit");
        GlobalDecision cached = ask(s, path, API);
        assertTrue(cached.isOverLimit());
        assertEquals(List.of(DescriptorStatus.NOT_CHECKED.code(), RateLimitCode.OVER_LIMIT),
                List.of(cached.statuses().get(0).code(), cached.statuses().get(1).code()),
                "refused from the cache: the hour's counter was not looked at");
        assertEquals(new XRateLimitHeaders("3, 3;w=60", "0", "60"), XRateLimitHeaders.from(cached.statuses()));
        assertEquals("3", redis.commands().get("outrigger:rl:shop:path=/login:1800000000"));
    }

    @Test
    void theSameDescriptorTwiceIsCountedTwiceInOneCounter() throws Exception {
        RedisRateLimitService s = sidecar(limit(API, 3, RateLimitUnit.MINUTE));
        GlobalDecision d = ask(s, API, API);
        assertEquals(List.of(1L, 1L), List.of(d.statuses().get(0).limitRemaining(),
                d.statuses().get(1).limitRemaining()));
        assertTrue(ask(s, API, API).isOverLimit(), "2 + 2 does not fit in 3");
        assertEquals("2", redis.commands().get("outrigger:rl:shop:generic_key=api%3Av1:1800000000"));
    }

    @Test
    void descriptorsWithoutALimitNeedNoRedis() throws Exception {
        RedisRateLimitService s = sidecar(limit(API, 1, RateLimitUnit.MINUTE));
        GlobalDecision d = ask(s, Descriptor.ofPairs("generic_key", "other"));
        assertFalse(d.isOverLimit());
        assertEquals(List.of(DescriptorStatus.UNLIMITED), d.statuses());
        assertNull(XRateLimitHeaders.from(d.statuses()));
        assertFalse(ask(s).isOverLimit());
        assertEquals(0, redis.scriptRuns());
    }

    @Test
    void domainsCountApart() throws Exception {
        RedisRateLimitService s = sidecar(limit(API, 1, RateLimitUnit.MINUTE));
        assertFalse(s.shouldRateLimit("shop", List.of(API), 1).get(10, TimeUnit.SECONDS).isOverLimit());
        assertFalse(s.shouldRateLimit("blog", List.of(API), 1).get(10, TimeUnit.SECONDS).isOverLimit());
        assertTrue(s.shouldRateLimit("blog", List.of(API), 1).get(10, TimeUnit.SECONDS).isOverLimit());
    }

    @Test
    void theScriptIsSentAgainToAServerThatForgotIt() throws Exception {
        RedisRateLimitService s = sidecar(limit(API, 5, RateLimitUnit.MINUTE));
        ask(s, API);
        assertEquals(0, redis.calls("eval"));
        redis.commands().scriptFlush();
        assertEquals(3, ask(s, API).statuses().get(0).limitRemaining());
        assertEquals(1, redis.calls("eval"), "EVALSHA failed with NOSCRIPT, EVAL loaded it");
        assertEquals(2, ask(s, API).statuses().get(0).limitRemaining());
        assertEquals(1, redis.calls("eval"));
    }

    @Test
    void noRedisFailsTheCallWithinTheTimeout() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RedisRateLimitService s = new RedisRateLimitService(new GlobalRateLimitBackend.Redis("127.0.0.1", port,
                RedisAlgorithm.FIXED_WINDOW, List.of(limit(API, 1, RateLimitUnit.MINUTE))), Duration.ofMillis(200),
                null, clock);
        services.add(s);
        long start = System.nanoTime();
        GlobalRateLimitException e = failure(s.shouldRateLimit("shop", List.of(API), 1));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMs < 700, "took " + elapsedMs + "ms with a 200ms timeout");
        assertTrue(e.getMessage().startsWith("redis 127.0.0.1:" + port + " "), e.getMessage());
    }

    @Test
    void aStalledRedisTimesTheCallOut() throws Exception {
        RedisRateLimitService s = sidecar(redis, RedisAlgorithm.FIXED_WINDOW, Duration.ofMillis(100),
                limit(API, 100, RateLimitUnit.MINUTE));
        assertFalse(ask(s, API).isOverLimit());
        redis.pause(Duration.ofMillis(500));
        long start = System.nanoTime();
        GlobalRateLimitException e = failure(s.shouldRateLimit("shop", List.of(API), 1));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(e.isTimeout(), e.getMessage());
        assertEquals("redis 127.0.0.1:" + redis.port() + " did not answer within 100ms", e.getMessage());
        assertTrue(elapsedMs >= 95 && elapsedMs < 450, "took " + elapsedMs + "ms with a 100ms timeout");
    }

    @Test
    void aRedisThatDiesFailsLaterCallsAtOnce() throws Exception {
        try (TestRedisServer own = TestRedisServer.start()) {
            RedisRateLimitService s = sidecar(own, RedisAlgorithm.FIXED_WINDOW, TIMEOUT,
                    limit(API, 100, RateLimitUnit.MINUTE));
            assertFalse(ask(s, API).isOverLimit());
            own.kill();
            long start = System.nanoTime();
            GlobalRateLimitException e = failure(s.shouldRateLimit("shop", List.of(API), 1));
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertFalse(e.isTimeout(), e.getMessage());
            assertTrue(elapsedMs < 1_000, "a lost connection fails calls without waiting out the 2s timeout, took "
                    + elapsedMs + "ms");
        }
    }

    @Test
    void aClosedServiceFailsCalls() {
        RedisRateLimitService s = sidecar(limit(API, 1, RateLimitUnit.MINUTE));
        s.close();
        GlobalRateLimitException e = failure(s.shouldRateLimit("shop", List.of(API), 1));
        assertEquals("redis 127.0.0.1:" + redis.port() + ": closed", e.getMessage());
    }
}
