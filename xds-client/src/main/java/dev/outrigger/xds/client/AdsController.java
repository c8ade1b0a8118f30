package dev.outrigger.xds.client;

import dev.outrigger.xds.client.XdsEventListener.StreamState;
import io.grpc.ManagedChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's state machine: the registered types, the current stream, its state, the backoff
 * and the published status. Every method runs on the client's executor; {@link #execute} and
 * {@link #schedule} are the ways onto it.
 */
final class AdsController {

    private static final Logger log = LoggerFactory.getLogger(AdsController.class);

    private final ManagedChannel channel;
    private final XdsClientOptions options;
    private final XdsEventListener events;
    private final ScheduledExecutorService executor;
    private final BooleanSupplier onExecutor;
    private final Clock clock;
    private final Backoff backoff;
    private final AtomicBoolean closed;

    private final Map<String, TypeState<?>> types = new LinkedHashMap<>();
    private AdsStream stream;
    private ScheduledFuture<?> reconnect;
    private boolean started;
    private StreamState state = StreamState.IDLE;
    private Instant stateSince;
    private long streamsOpened;
    private String lastStreamError;

    private volatile XdsClientStatus status;

    AdsController(ManagedChannel channel, XdsClientOptions options, XdsEventListener events,
            ScheduledExecutorService executor, BooleanSupplier onExecutor, Clock clock, Backoff backoff,
            AtomicBoolean closed) {
        this.channel = channel;
        this.options = options;
        this.events = events;
        this.executor = executor;
        this.onExecutor = onExecutor;
        this.clock = clock;
        this.backoff = backoff;
        this.closed = closed;
        this.stateSince = clock.instant();
        publish();
    }

    // ---- getting onto the executor

    /**
     * Runs {@code task} on the executor, then publishes the status. Dropped once the client is
     * closed: nothing may call back after that.
     */
    void execute(Runnable task) {
        try {
            executor.execute(() -> runGuarded(task));
        } catch (RejectedExecutionException e) {
            // Closed: late gRPC callbacks and calls land here and have nothing left to do.
        }
    }

    /** Runs {@code task} now when already on the executor (so a watcher's call takes effect at once). */
    void runOrExecute(Runnable task) {
        if (onExecutor.getAsBoolean()) {
            runGuarded(task);
        } else {
            execute(task);
        }
    }

    /** Runs {@code task} on the executor and waits for it; at once when already on the executor. */
    void runAndWait(Runnable task) {
        if (onExecutor.getAsBoolean()) {
            runGuarded(task);
            return;
        }
        try {
            executor.submit(() -> runGuarded(task)).get();
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the xDS client is closed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Runs {@code task} on the executor after {@code delay}; cancelled timers never run. */
    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        try {
            return executor.schedule(() -> runGuarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return CancelledFuture.INSTANCE;
        }
    }

    private void runGuarded(Runnable task) {
        if (closed.get()) {
            return;
        }
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("xDS client task failed", e);
        } finally {
            publish();
        }
    }

    // ---- what the facade asks for

    void register(TypeState<?> type) {
        types.put(type.typeUrl(), type);
        if (stream != null) {
            stream.typeAdded(type);
        }
    }

    void subscribe(String typeUrl, Set<String> names) {
        TypeState<?> type = types.get(typeUrl);
        if (type != null && type.setSubscribed(names) && stream != null) {
            stream.subscriptionChanged(type);
        }
    }

    void start() {
        if (started) {
            return;
        }
        started = true;
        openStream();
    }

    /** Ends everything for good, on the executor, as the client closes. */
    void shutdown() {
        if (reconnect != null) {
            reconnect.cancel(false);
            reconnect = null;
        }
        if (stream != null) {
            stream.cancel("client closed");
            stream = null;
        }
        types.values().forEach(TypeState::cancelTimers);
        if (state != StreamState.IDLE) {
            setState(StreamState.IDLE);
        }
        publish();
    }

    XdsClientStatus status() {
        return status;
    }

    // ---- what the streams need

    XdsClientOptions options() {
        return options;
    }

    Duration initialFetchTimeout() {
        return options.initialFetchTimeout();
    }

    ManagedChannel channel() {
        return channel;
    }

    Instant now() {
        return clock.instant();
    }

    Collection<TypeState<?>> types() {
        return types.values();
    }

    TypeState<?> type(String typeUrl) {
        return types.get(typeUrl);
    }

    boolean isCurrent(AdsStream s) {
        return s == stream && !closed.get();
    }

    /** The current stream received a response: it is connected, and the backoff starts over. */
    void responseReceived() {
        backoff.reset();
        if (state != StreamState.CONNECTED) {
            setState(StreamState.CONNECTED);
        }
    }

    /** The current stream failed or ended; a new one follows after the backoff. */
    void streamEnded(AdsStream s, String reason) {
        if (!isCurrent(s)) {
            return;
        }
        stream = null;
        lastStreamError = reason;
        types.values().forEach(TypeState::onStreamEnded);
        setState(StreamState.BACKOFF);
        Duration delay = backoff.next();
        emit(l -> l.onReconnectScheduled(delay, reason));
        reconnect = schedule(this::openStream, delay);
    }

    void reportResponse(String typeUrl, int accepted, int rejected, int removed) {
        emit(l -> l.onResponse(typeUrl, accepted, rejected, removed));
    }

    private void openStream() {
        reconnect = null;
        streamsOpened++;
        types.values().forEach(TypeState::onNewStream);
        // The channel's own reconnect backoff would otherwise stack on top of ours.
        channel.resetConnectBackoff();
        stream = options.apiType() == ApiType.DELTA ? new DeltaStream(this) : new SotwStream(this);
        setState(StreamState.CONNECTING);
        stream.open();
    }

    private void setState(StreamState next) {
        state = next;
        stateSince = clock.instant();
        emit(l -> l.onStreamState(next));
    }

    private void emit(Consumer<XdsEventListener> call) {
        try {
            call.accept(events);
        } catch (RuntimeException e) {
            log.warn("xDS event listener failed", e);
        }
    }

    private void publish() {
        List<XdsClientStatus.TypeStatus> typeStatuses = new ArrayList<>(types.size());
        types.values().forEach(t -> typeStatuses.add(t.status()));
        status = new XdsClientStatus(options.apiType(), state, stateSince, streamsOpened, lastStreamError,
                typeStatuses);
    }

    /** What {@link #schedule} returns once the executor refuses work: a timer that never runs. */
    private static final class CancelledFuture implements ScheduledFuture<Object> {

        static final CancelledFuture INSTANCE = new CancelledFuture();

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(java.util.concurrent.Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return true;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            throw new java.util.concurrent.CancellationException();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new java.util.concurrent.CancellationException();
        }
    }
}
