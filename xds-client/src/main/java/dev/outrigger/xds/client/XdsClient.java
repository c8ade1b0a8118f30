package dev.outrigger.xds.client;

import io.grpc.ManagedChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ADS stream to one control plane: subscribes to resource types, tracks versions and
 * nonces, ACKs and NACKs, reconnects with backoff and hands parsed resources to watchers.
 * All of its state lives on one serial executor.
 */
public final class XdsClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(XdsClient.class);

    /** The name of the client's executor thread. */
    static final String THREAD_NAME = "outrigger-xds";

    // How long close() waits for a callback in progress, then for the channel.
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final ManagedChannel channel;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closeDone = new CountDownLatch(1);
    private final Map<String, XdsResourceType<?>> watched = new ConcurrentHashMap<>();
    private final AdsController controller;
    private volatile Thread executorThread;

    /**
     * A client over {@code channel} (which it closes on {@link #close()}); nothing is sent until
     * {@link #start()}.
     */
    public XdsClient(ManagedChannel channel, XdsClientOptions options, XdsEventListener events) {
        this(channel, options, events, Clock.systemUTC(), () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * A client whose timestamps come from {@code clock} and whose backoff jitter draws from
     * {@code jitter} (values in {@code [0, 1]}).
     */
    XdsClient(ManagedChannel channel, XdsClientOptions options, XdsEventListener events, Clock clock,
            DoubleSupplier jitter) {
        this.channel = Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(options, "options");
        XdsEventListener listener = events != null ? events : new XdsEventListener() {
        };
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, THREAD_NAME);
            // A client nobody closed must not keep the JVM alive.
            t.setDaemon(true);
            executorThread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        Backoff backoff = new Backoff(options.backoffBase(), options.backoffMax(), jitter);
        this.controller = new AdsController(channel, options, listener, executor, this::onExecutor,
                Objects.requireNonNull(clock, "clock"), backoff, closed);
    }

    /**
     * Registers the watcher of {@code type}. A wildcard type is subscribed with a wildcard; a
     * named type starts with no names (see {@link #subscribe}). Call before {@link #start()}.
     */
    public <T> void watch(XdsResourceType<T> type, XdsResourceWatcher<T> watcher) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(watcher, "watcher");
        String typeUrl = Objects.requireNonNull(type.typeUrl(), "typeUrl");
        if (closed.get()) {
            throw new IllegalStateException("the xDS client is closed");
        }
        if (watched.putIfAbsent(typeUrl, type) != null) {
            throw new IllegalArgumentException(typeUrl + " is already watched");
        }
        TypeState<T> state = new TypeState<>(type, watcher, controller);
        // Waits for the registration so that status() lists the type once watch() returns.
        controller.runAndWait(() -> controller.register(state));
    }

    /**
     * Replaces the names subscribed for the named type {@code type}: newly named resources are
     * requested (and their does-not-exist timers started), names no longer listed are
     * unsubscribed and forgotten. Safe from any thread; from a watcher callback it takes effect
     * before the callback's ACK is sent.
     */
    public void subscribe(XdsResourceType<?> type, Set<String> names) {
        Objects.requireNonNull(type, "type");
        Set<String> copy = Set.copyOf(names);
        XdsResourceType<?> known = watched.get(type.typeUrl());
        if (known == null) {
            throw new IllegalArgumentException(type.typeUrl() + " is not watched");
        }
        if (known.wildcard()) {
            throw new IllegalArgumentException(type.typeUrl() + " is subscribed with a wildcard and takes no names");
        }
        controller.runOrExecute(() -> controller.subscribe(type.typeUrl(), copy));
    }

    /** Opens the stream. */
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("the xDS client is closed");
        }
        controller.runOrExecute(controller::start);
    }

    /** The stream's state and each type's versions, NACKs and counts, as of now. Safe from any thread. */
    public XdsClientStatus status() {
        return controller.status();
    }

    /** Closes the stream and the channel; no callback runs after this returns. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            awaitOtherClose();
            return;
        }
        try {
            if (onExecutor()) {
                // A watcher closing its own client: the callback in progress is the last one,
                // and the executor cannot wait for itself.
                controller.shutdown();
                executor.shutdown();
                channel.shutdownNow();
                return;
            }
            shutdownOnExecutor();
            executor.shutdown();
            if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("an xDS callback still runs {} after close; interrupting it", CLOSE_WAIT);
                executor.shutdownNow();
            }
            channel.shutdownNow();
            if (!channel.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("the xDS channel did not terminate within {}", CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
            channel.shutdownNow();
        } finally {
            closeDone.countDown();
        }
    }

    /** Whether the executor has stopped, for tests. */
    boolean terminated() {
        return executor.isTerminated();
    }

    private void shutdownOnExecutor() throws InterruptedException {
        try {
            Future<?> done = executor.submit(controller::shutdown);
            done.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException | TimeoutException e) {
            log.warn("the xDS executor did not stop the stream in time; closing anyway");
        } catch (ExecutionException e) {
            log.warn("stopping the xDS stream failed", e.getCause());
        }
    }

    private void awaitOtherClose() {
        if (onExecutor()) {
            return;
        }
        try {
            closeDone.await(3 * CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean onExecutor() {
        return Thread.currentThread() == executorThread;
    }
}
