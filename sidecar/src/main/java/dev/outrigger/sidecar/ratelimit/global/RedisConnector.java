package dev.outrigger.sidecar.ratelimit.global;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one Redis connection of a {@link RedisRateLimitService}, shared by every caller (Lettuce
 * pipelines their commands). It is opened at once; while the first connection cannot be made,
 * a caller starts another attempt at most once a second. Once made, Lettuce reconnects by itself,
 * and refuses commands while it is disconnected, so they fail at once instead of queueing.
 */
final class RedisConnector {

    private static final long RETRY_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Duration MIN_CONNECT_TIMEOUT = Duration.ofSeconds(1);

    private final String name;
    private final ClientResources resources;
    private final boolean ownsResources;
    private final RedisClient client;
    private final RedisURI uri;
    private final AtomicReference<Attempt> attempt = new AtomicReference<>();
    private volatile boolean closed;

    private record Attempt(CompletableFuture<StatefulRedisConnection<String, String>> connection, long startNanos) {
    }

    /**
     * Connects to {@code host:port}; {@code resources} null for resources of its own, closed with it.
     *
     * @param timeout each command's timeout, after which Lettuce drops it
     */
    RedisConnector(String host, int port, Duration timeout, ClientResources resources) {
        this.name = "redis " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        this.ownsResources = resources == null;
        this.resources = resources == null ? newResources() : resources;
        this.uri = RedisURI.builder().withHost(host).withPort(port).withTimeout(timeout).build();
        this.client = RedisClient.create(this.resources, uri);
        Duration connectTimeout = timeout.compareTo(MIN_CONNECT_TIMEOUT) > 0 ? timeout : MIN_CONNECT_TIMEOUT;
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        attempt.set(start());
    }

    /**
     * Resources for Redis clients: two I/O threads and two for timers and events (Lettuce's
     * least), and reconnection attempts from 10ms apart up to one second apart. One is meant to
     * be shared by every {@link RedisRateLimitService} of the process; {@link #shutdown} it.
     *
     * <p>The timer that bounds each command ticks every {@value #TIMER_TICK_MILLIS} ms instead of
     * Netty's default 100: a command's timeout, and through it the command, stays in the wheel
     * until the tick after its reply, and at 100 ms that outlived young collections under load
     * and filled the old generation (see docs/performance.md, policy filters).
     */
    static ClientResources newResources() {
        return DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .timer(new io.netty.util.HashedWheelTimer(
                        new io.netty.util.concurrent.DefaultThreadFactory("outrigger-redis-timer", true),
                        TIMER_TICK_MILLIS, TimeUnit.MILLISECONDS))
                .build();
    }

    /** Tick of the command timeout timer. */
    static final long TIMER_TICK_MILLIS = 10;

    /**
     * Stops what {@link #newResources} started: the threads (after a quiet period, so that
     * channels finish closing and release their buffers) and the timer given to them, which
     * Lettuce leaves to its owner.
     */
    static io.netty.util.concurrent.Future<Boolean> shutdown(ClientResources resources, long quietMillis,
            long timeoutMillis) {
        io.netty.util.concurrent.Future<Boolean> done = resources.shutdown(quietMillis, timeoutMillis,
                TimeUnit.MILLISECONDS);
        done.addListener(f -> resources.timer().stop());
        return done;
    }

    /** Names the server in errors: {@code redis host:port} ({@code redis [v6]:port}). */
    String name() {
        return name;
    }

    /** The connection, possibly still being made, or failed (then a new attempt may be under way for later callers). */
    CompletableFuture<StatefulRedisConnection<String, String>> connection() {
        Attempt a = attempt.get();
        if (a.connection.isCompletedExceptionally() && !closed
                && System.nanoTime() - a.startNanos >= RETRY_EVERY_NANOS) {
            Attempt next = new Attempt(new CompletableFuture<>(), System.nanoTime());
            if (attempt.compareAndSet(a, next)) {
                connect(next.connection);
            }
            return attempt.get().connection;
        }
        return a.connection;
    }

    private Attempt start() {
        Attempt first = new Attempt(new CompletableFuture<>(), System.nanoTime());
        connect(first.connection);
        return first;
    }

    private void connect(CompletableFuture<StatefulRedisConnection<String, String>> connection) {
        try {
            // Off the caller's thread: resolving the host name may block.
            resources.eventExecutorGroup().execute(() -> {
                try {
                    client.connectAsync(StringCodec.UTF8, uri).whenComplete((c, e) -> {
                        if (e != null) {
                            connection.completeExceptionally(e);
                        } else if (closed) {
                            c.closeAsync();
                            connection.completeExceptionally(new IllegalStateException("closed"));
                        } else {
                            connection.complete(c);
                        }
                    });
                } catch (RuntimeException e) {
                    connection.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            // The resources were shut down.
            connection.completeExceptionally(e);
        }
    }

    /** Closes the connection and the client, and the resources when they are its own; does not wait. */
    void close() {
        closed = true;
        // Shutting the client down closes its connection; a connection still being made is closed when made.
        // Quiet periods let the event loops finish closing channels, so that their buffers are released.
        client.shutdownAsync(100, 2_000, TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            if (ownsResources) {
                shutdown(resources, 100, 2_000);
            }
        });
    }
}
