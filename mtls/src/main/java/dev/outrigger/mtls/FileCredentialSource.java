package dev.outrigger.mtls;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a workload's credentials from {@link CredentialFiles} current: loads them at start, then
 * polls the files and publishes each valid change as a new immutable {@link CredentialSnapshot}.
 *
 * <p>Polling compares the files' bytes, so it sees in-place writes, rename-into-place and
 * Kubernetes' symlink swaps alike, with no file-system events to miss. A change that does not
 * load (a half-written file, a new certificate beside the old key) leaves the last good snapshot
 * in force; it is reported once it has stayed unchanged for a whole interval, so a writer caught
 * mid-write raises no alarm.
 */
public final class FileCredentialSource implements AutoCloseable {

    /** How often the files are read by default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(FileCredentialSource.class);

    private final CredentialFiles files;
    private final Clock clock;
    private final CredentialListener listener;
    private final AtomicReference<CredentialSnapshot> current;
    private final ScheduledExecutorService poller;

    // Touched only on the poller's one thread (after start() hands over), so no synchronization.
    private CredentialFiles.Contents loaded;
    private Object failedOnce;
    private Object reported;

    private FileCredentialSource(CredentialFiles files, Clock clock, CredentialListener listener,
            CredentialFiles.Contents contents, CredentialSnapshot snapshot) {
        this.files = files;
        this.clock = clock;
        this.listener = listener;
        this.current = new AtomicReference<>(snapshot);
        this.loaded = contents;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outrigger-credentials");
            t.setDaemon(true);
            return t;
        });
    }

    /** {@link #start(CredentialFiles, Duration, Clock, CredentialListener)} polling every second on the system clock. */
    public static FileCredentialSource start(CredentialFiles files, CredentialListener listener) throws CredentialException {
        return start(files, DEFAULT_INTERVAL, Clock.systemUTC(), listener);
    }

    /**
     * Loads the files now, throwing if they are not usable (a sidecar should not start without
     * its identity), then polls them every {@code interval}. {@code listener} hears of changes
     * only, not of this first load.
     */
    public static FileCredentialSource start(CredentialFiles files, Duration interval, Clock clock,
            CredentialListener listener) throws CredentialException {
        Objects.requireNonNull(listener, "listener");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive, got " + interval);
        }
        CredentialFiles.Contents contents = files.read();
        CredentialSnapshot snapshot = files.parse(contents, clock.instant());
        log.info("credentials loaded from {}: {}", files.certificateChain(), describe(snapshot));
        FileCredentialSource source = new FileCredentialSource(files, clock, listener, contents, snapshot);
        long millis = interval.toMillis();
        source.poller.scheduleWithFixedDelay(source::poll, millis, millis, TimeUnit.MILLISECONDS);
        return source;
    }

    /** The credentials in force: the last snapshot that loaded. */
    public CredentialSnapshot current() {
        return current.get();
    }

    /** Polls once now, on the poller's thread, and returns when done: lets tests step through changes. */
    void pollNow() throws Exception {
        poller.submit(this::poll).get();
    }

    /** Stops polling; once this returns, the listener is not called again. */
    @Override
    public void close() {
        poller.shutdownNow();
        try {
            poller.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void poll() {
        try {
            CredentialFiles.Contents seen = files.read();
            if (seen.equals(loaded)) {
                failedOnce = null;
                reported = null;
                return;
            }
            CredentialSnapshot snapshot;
            try {
                // Parsed again on every poll until it loads: a certificate "not valid before" a
                // moment a few seconds away becomes good without the files changing.
                snapshot = files.parse(seen, clock.instant());
            } catch (CredentialException e) {
                failed(seen, e);
                return;
            }
            loaded = seen;
            failedOnce = null;
            reported = null;
            current.set(snapshot);
            log.info("credentials reloaded from {}: {}", files.certificateChain(), describe(snapshot));
            listener.onCredentials(snapshot);
        } catch (CredentialException e) {
            failed(null, e);
        } catch (RuntimeException e) {
            // Thrown by the listener; the poller must survive it or rotation silently stops.
            log.error("credential listener failed", e);
        }
    }

    private void failed(CredentialFiles.Contents seen, CredentialException e) {
        // What failed: the bytes, or for a read error (no bytes) its message.
        Object failure = seen != null ? seen : e.getMessage();
        boolean settled = failure.equals(failedOnce);
        failedOnce = failure;
        if (settled && !failure.equals(reported)) {
            reported = failure;
            log.warn("credentials not reloaded, keeping serial {}: {}", current.get().identity().serial().toString(16),
                    e.getMessage());
            listener.onError(e);
        }
    }

    private static String describe(CredentialSnapshot snapshot) {
        CertifiedKey identity = snapshot.identity();
        return identity.spiffeId().map(Object::toString).orElse("no SPIFFE ID") + ", serial "
                + identity.serial().toString(16) + ", expires " + identity.notAfter()
                + (snapshot.trustBundle() == null ? "" : ", " + snapshot.trustBundle().certificates().size() + " CA(s)");
    }
}
