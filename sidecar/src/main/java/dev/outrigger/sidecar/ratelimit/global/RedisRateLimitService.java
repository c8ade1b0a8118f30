package dev.outrigger.sidecar.ratelimit.global;

import dev.outrigger.sidecar.ratelimit.Descriptor;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Global rate limiting built into Outrigger: sidecars sharing one Redis server count requests
 * there against limits from their own configuration, without a rate limit service.
 *
 * <p>A request's descriptors are matched to limits ({@link LimitIndex}); those with a limit are
 * counted in one atomic script ({@link CountScript}) over counters named by {@link RedisKeys}, in
 * windows per {@link RateWindow}; a request is counted only when it fits under every limit. A
 * counter found full is remembered in a local {@link OverLimitCache}, and its requests are refused
 * without a Redis call until it could admit one again.
 *
 * <p>Threading: never blocks the caller. A decision from the cache (or one with no limited
 * descriptor) is returned completed, on the caller's thread; one from Redis completes on a Lettuce
 * I/O thread; a timeout completes on the JDK's timer thread. Each call takes at most the timeout
 * from the moment it is made, connection included. Only standalone Redis over plain TCP is supported.
 */
public final class RedisRateLimitService implements GlobalRateLimitService {

    /** Counters the over-limit cache holds at most. */
    static final int CACHE_ENTRIES = 10_000;
    /** Keys live one window past their own, plus this, so a sidecar whose clock lags still finds them. */
    private static final long EXPIRY_SLACK_MILLIS = 1_000;

    private final GlobalRateLimitBackend.Redis backend;
    private final long timeoutNanos;
    private final Duration timeout;
    private final Clock clock;
    private final LimitIndex limits;
    private final OverLimitCache cache = new OverLimitCache(CACHE_ENTRIES);
    private final RedisConnector connector;
    private volatile boolean closed;

    /** A service with Lettuce resources of its own, on the system clock. */
    public RedisRateLimitService(GlobalRateLimitBackend.Redis backend, Duration timeout) {
        this(backend, timeout, null, Clock.systemUTC());
    }

    /**
     * A service.
     *
     * @param backend the Redis server, algorithm and limits
     * @param timeout the longest a call may take
     * @param resources Lettuce's threads, shared with other services and not closed with this one
     *     (see {@link #newClientResources()}); null for resources of its own
     * @param clock the clock windows are aligned on; sidecars sharing a Redis need clocks in step
     */
    public RedisRateLimitService(GlobalRateLimitBackend.Redis backend, Duration timeout, ClientResources resources,
            Clock clock) {
        this.backend = Objects.requireNonNull(backend, "backend");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be greater than 0, got " + timeout);
        }
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = new LimitIndex(backend.limits());
        this.connector = new RedisConnector(backend.host(), backend.port(), timeout, resources);
    }

    /** Lettuce resources suited to these services (few threads, quick reconnection), to share among them. */
    public static ClientResources newClientResources() {
        return RedisConnector.newResources();
    }

    /** Stops resources from {@link #newClientResources()}, waiting at most {@code timeoutMillis}. */
    public static void shutdownClientResources(ClientResources resources, long timeoutMillis) {
        RedisConnector.shutdown(resources, 0, timeoutMillis).awaitUninterruptibly(timeoutMillis * 2);
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
        if (closed) {
            return CompletableFuture.failedFuture(new GlobalRateLimitException(connector.name() + ": closed"));
        }
        long hits = hitsAddend == 0 ? 1 : hitsAddend;
        long now = clock.millis();
        Counter[] counters = new Counter[descriptors.size()];
        boolean anyLimited = false;
        boolean anyBlocked = false;
        for (int i = 0; i < counters.length; i++) {
            Descriptor d = descriptors.get(i);
            RedisLimit limit = limits.find(d);
            if (limit == null) {
                continue;
            }
            String name = RedisKeys.counter(domain, d);
            long blockedUntil = cache.blockedUntil(name, now);
            counters[i] = new Counter(name, limit, RateWindow.at(now, limit.windowMillis()), blockedUntil);
            anyLimited = true;
            anyBlocked |= blockedUntil > 0;
        }
        if (anyBlocked) {
            return CompletableFuture.completedFuture(refusedLocally(counters, now));
        }
        if (!anyLimited) {
            return CompletableFuture.completedFuture(GlobalDecision.of(RateLimitCode.OK,
                    statuses(counters, null, false)));
        }
        return count(counters, hits);
    }

    /** One request descriptor's counter. */
    private record Counter(String name, RedisLimit limit, RateWindow window, long blockedUntil) {
    }

    /** What Redis said of one counter. */
    private record Count(long current, long previous, boolean over) {
    }

    private CompletableFuture<GlobalDecision> count(Counter[] counters, long hits) {
        // A counter that two descriptors of the request share is counted once, with both hits.
        Map<String, Counter> distinct = new LinkedHashMap<>();
        Map<String, Long> hitsOf = new LinkedHashMap<>();
        for (Counter c : counters) {
            if (c != null) {
                distinct.putIfAbsent(c.name, c);
                hitsOf.merge(c.name, hits, Long::sum);
            }
        }
        String[] keys = new String[distinct.size() * 2];
        String[] args = new String[distinct.size() * CountScript.ARGS_PER_COUNTER];
        int k = 0;
        for (Counter c : distinct.values()) {
            RateWindow w = c.window;
            keys[2 * k] = RedisKeys.window(c.name, w.startSeconds());
            keys[2 * k + 1] = RedisKeys.window(c.name, w.previousStartSeconds());
            int a = k * CountScript.ARGS_PER_COUNTER;
            args[a] = Long.toString(hitsOf.get(c.name));
            args[a + 1] = Long.toString(c.limit.requestsPerUnit());
            args[a + 2] = Long.toString(w.previousWeightMillis(backend.algorithm()));
            args[a + 3] = Long.toString(w.lengthMillis());
            args[a + 4] = Long.toString(w.millisToEnd() + w.lengthMillis() + EXPIRY_SLACK_MILLIS);
            k++;
        }
        CompletableFuture<GlobalDecision> raw = connector.connection()
                .thenCompose(connection -> run(connection, keys, args))
                .thenApply(reply -> decide(counters, distinct, reply))
                .toCompletableFuture();
        raw.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
        CompletableFuture<GlobalDecision> out = new CompletableFuture<>();
        raw.whenComplete((decision, failure) -> {
            if (failure == null) {
                out.complete(decision);
            } else {
                out.completeExceptionally(failure(failure));
            }
        });
        return out;
    }

    private static CompletionStage<List<Object>> run(StatefulRedisConnection<String, String> connection,
            String[] keys, String[] args) {
        CompletionStage<List<Object>> bySha = connection.async().evalsha(CountScript.SHA1, ScriptOutputType.MULTI,
                keys, args);
        return bySha.handle((reply, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(reply);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause()
                    : failure;
            if (cause instanceof RedisNoScriptException) {
                // A new or restarted server: EVAL sends the script once, and it is cached from then on.
                return connection.async().<List<Object>>eval(CountScript.SOURCE, ScriptOutputType.MULTI, keys, args);
            }
            return CompletableFuture.<List<Object>>failedFuture(cause);
        }).thenCompose(stage -> stage);
    }

    private GlobalDecision decide(Counter[] counters, Map<String, Counter> distinct, List<Object> reply) {
        if (reply.size() != distinct.size() * CountScript.REPLY_PER_COUNTER) {
            throw new GlobalRateLimitException(connector.name() + " answered the count with " + reply.size()
                    + " values for " + distinct.size() + " counters");
        }
        Map<String, Count> counts = new LinkedHashMap<>();
        boolean refused = false;
        int j = 0;
        for (String name : distinct.keySet()) {
            Count c = new Count(number(reply.get(j)), number(reply.get(j + 1)), number(reply.get(j + 2)) == 1);
            counts.put(name, c);
            refused |= c.over;
            j += CountScript.REPLY_PER_COUNTER;
        }
        // A counter that cannot take one more request in its window is remembered, counted request or not.
        long now = clock.millis();
        for (Counter c : distinct.values()) {
            Count n = counts.get(c.name);
            long wait = c.window.millisUntilAllowed(c.limit.requestsPerUnit(), n.current, n.previous,
                    backend.algorithm());
            if (wait > 0) {
                cache.block(c.name, c.window.nowMillis() + wait, now);
            }
        }
        return GlobalDecision.of(refused ? RateLimitCode.OVER_LIMIT : RateLimitCode.OK,
                statuses(counters, counts, refused));
    }

    private List<DescriptorStatus> statuses(Counter[] counters, Map<String, Count> counts, boolean refused) {
        List<DescriptorStatus> out = new ArrayList<>(counters.length);
        for (Counter c : counters) {
            if (c == null) {
                out.add(DescriptorStatus.UNLIMITED);
                continue;
            }
            Count n = counts.get(c.name);
            long limit = c.limit.requestsPerUnit();
            RedisAlgorithm algorithm = backend.algorithm();
            if (refused && n.over) {
                long wait = c.window.millisUntilAllowed(limit, n.current, n.previous, algorithm);
                out.add(new DescriptorStatus(RateLimitCode.OVER_LIMIT, c.limit.currentLimit(), 0,
                        Duration.ofMillis(wait > 0 ? wait : c.window.millisToEnd())));
            } else {
                out.add(new DescriptorStatus(RateLimitCode.OK, c.limit.currentLimit(),
                        c.window.remaining(limit, n.current, n.previous, algorithm),
                        Duration.ofMillis(c.window.millisToEnd())));
            }
        }
        return out;
    }

    /** A refusal from the cache: the cached counters are over, the rest were not looked at. */
    private static GlobalDecision refusedLocally(Counter[] counters, long now) {
        List<DescriptorStatus> out = new ArrayList<>(counters.length);
        for (Counter c : counters) {
            if (c == null) {
                out.add(DescriptorStatus.UNLIMITED);
            } else if (c.blockedUntil > 0) {
                out.add(new DescriptorStatus(RateLimitCode.OVER_LIMIT, c.limit.currentLimit(), 0,
                        Duration.ofMillis(c.blockedUntil - now)));
            } else {
                out.add(DescriptorStatus.NOT_CHECKED);
            }
        }
        return GlobalDecision.of(RateLimitCode.OVER_LIMIT, out);
    }

    private long number(Object value) {
        if (value instanceof Long l) {
            return l;
        }
        throw new GlobalRateLimitException(connector.name() + " answered the count with " + value
                + " where a whole number belongs");
    }

    private GlobalRateLimitException failure(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof GlobalRateLimitException e) {
            return e;
        }
        boolean timedOut = cause instanceof TimeoutException || cause instanceof RedisCommandTimeoutException;
        String what = timedOut
                ? "did not answer within " + timeout.toMillis() + "ms"
                : "failed: " + cause.getMessage();
        return new GlobalRateLimitException(connector.name() + " " + what, timedOut, cause);
    }

    /** Counters known to be over their limit now; for tests and the admin page. */
    int cachedCounters() {
        return cache.size();
    }

    @Override
    public void close() {
        closed = true;
        connector.close();
    }

    @Override
    public String toString() {
        return "RedisRateLimitService[" + connector.name() + ", " + backend.algorithm() + ", "
                + backend.limits().size() + " limits]";
    }
}
