package dev.outrigger.sidecar.tls;

import dev.outrigger.mtls.AllowedPeers;
import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.CredentialException;
import dev.outrigger.mtls.FileFingerprint;
import dev.outrigger.mtls.PeerTrust;
import dev.outrigger.mtls.SpiffeTrustManager;
import dev.outrigger.mtls.TlsContexts;
import dev.outrigger.mtls.UriSanMatcher;
import dev.outrigger.sidecar.secret.SecretConfig;
import dev.outrigger.sidecar.secret.SecretConsumer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS contexts of every listener chain and cluster, one per distinct {@link TlsSettings} and
 * side, built from files (their contents checked every poll and rebuilt when they change), inline
 * PEM, or SDS secrets (rebuilt when a secret changes). Rotation publishes a new context: new
 * handshakes use it at once, open connections keep theirs until they are replaced before expiry.
 * A rebuild that fails keeps the last good context. Settings no longer used by any listener or
 * cluster are dropped by {@link #retain}, with their expiry gauge.
 */
public final class TlsContextManager implements SecretConsumer, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TlsContextManager.class);
    /** Any SPIFFE ID the trust vouches for, when no SAN matcher narrows it. */
    private static final AllowedPeers ANY_SPIFFE_ID = AllowedPeers.matching(List.of(UriSanMatcher.prefix("spiffe://")));
    private static final String EXPIRY = "outrigger.tls.certificate.expiry";

    private final Map<Key, Holder> holders = new ConcurrentHashMap<>();
    private final Map<String, SecretConfig> secrets = new ConcurrentHashMap<>();
    private final CredentialLoader loader = new CredentialLoader(secrets);
    private final ScheduledExecutorService files;
    private final MeterRegistry registry;

    /** A manager that checks watched files every {@code pollMillis}; certificate expiry gauges go to {@code registry}. */
    public TlsContextManager(long pollMillis, MeterRegistry registry) {
        this.registry = registry;
        files = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outrigger-tls-files");
            t.setDaemon(true);
            return t;
        });
        files.scheduleWithFixedDelay(this::checkFiles, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    /** The context source of a listener chain terminating TLS with {@code settings}. */
    public TlsContextSource server(TlsSettings settings) {
        return holders.computeIfAbsent(new Key(settings, true), Holder::new);
    }

    /** The context source of a cluster originating TLS with {@code settings}. */
    public TlsContextSource client(TlsSettings settings) {
        return holders.computeIfAbsent(new Key(settings, false), Holder::new);
    }

    /**
     * Forgets every context whose settings are in neither set: the listeners' and clusters' TLS
     * settings in use now. Connections already made with one keep it; it is no longer rebuilt,
     * shown in {@code /certs} or measured.
     */
    public void retain(Set<TlsSettings> servers, Set<TlsSettings> clients) {
        for (Holder h : holders.values()) {
            boolean used = h.key.server ? servers.contains(h.key.settings) : clients.contains(h.key.settings);
            if (!used && holders.remove(h.key, h)) {
                h.retire();
            }
        }
    }

    @Override
    public void onSecret(SecretConfig secret) {
        secrets.put(secret.name(), secret);
        rebuildUsing(secret.name());
    }

    @Override
    public void onSecretRemoved(String name) {
        secrets.remove(name);
        rebuildUsing(name);
    }

    /** Every certificate in use: where it comes from, which side, its SPIFFE ID, serial and expiry. */
    public List<CertificateStatus> certificates() {
        List<CertificateStatus> out = new ArrayList<>();
        for (Holder h : holders.values()) {
            CertifiedKey k = h.identity;
            if (k != null) {
                out.add(new CertificateStatus(h.key.settings.certificate().label(), h.side(),
                        k.spiffeId().map(Object::toString).orElse(""), k.serial().toString(16), k.notAfter()));
            }
        }
        out.sort(Comparator.comparing(CertificateStatus::source).thenComparing(CertificateStatus::side));
        return out;
    }

    private void rebuildUsing(String secret) {
        for (Holder h : holders.values()) {
            if (h.key.settings.sdsNames().contains(secret)) {
                h.rebuild();
                h.filesChanged(); // an SDS secret may name other files: watch those from now on
            }
        }
    }

    private void checkFiles() {
        for (Holder h : holders.values()) {
            try {
                if (h.filesChanged() && !h.rebuild()) {
                    // A certificate and its key are two files: one may be written before the
                    // other. Look again next time instead of waiting for another change.
                    h.forgetFiles();
                }
            } catch (RuntimeException e) {
                log.warn("checking TLS files failed", e);
            }
        }
    }

    @Override
    public void close() {
        files.shutdownNow();
    }

    /**
     * One certificate as {@code /certs} shows it.
     *
     * @param source where it comes from
     * @param side {@code listener} (presented to clients) or {@code cluster} (presented to upstreams)
     * @param spiffeId its SPIFFE ID, "" without one
     * @param serial its serial, hex
     * @param notAfter when it expires
     */
    public record CertificateStatus(String source, String side, String spiffeId, String serial, Instant notAfter) {
    }

    private record Key(TlsSettings settings, boolean server) {
    }

    private record Current(SslContext context, CertifiedKey identity) {
    }

    // What logs call a context: its certificate's source, or its trust's for a client without one.
    private static String label(TlsSettings s) {
        return s.certificate() != null ? s.certificate().label() : "trust " + s.trust();
    }

    private static AllowedPeers allowed(TlsSettings s) {
        if (s.peerSans().isEmpty()) {
            return ANY_SPIFFE_ID;
        }
        List<UriSanMatcher> matchers = new ArrayList<>();
        for (SanMatcher m : s.peerSans()) {
            matchers.add(m.kind() == SanMatcher.Kind.EXACT ? UriSanMatcher.exact(m.value())
                    : UriSanMatcher.prefix(m.value()));
        }
        return AllowedPeers.matching(matchers);
    }

    /** The current context of one settings-and-side. */
    private final class Holder implements TlsContextSource {

        private final Key key;
        /** The context and the certificate it presents, published together. */
        private volatile Current now;
        private volatile CertifiedKey identity;
        // Guarded by this.
        private String fileFingerprint;
        private Gauge expiry;
        private boolean retired;

        Holder(Key key) {
            this.key = key;
            this.fileFingerprint = FileFingerprint.of(loader.files(key.settings));
            rebuild();
        }

        String side() {
            return key.server ? "listener" : "cluster";
        }

        @Override
        public SslContext current() {
            Current c = now;
            return c == null ? null : c.context();
        }

        @Override
        public long expiresAtEpochSecond() {
            Current c = now;
            return c == null || c.identity() == null ? Long.MAX_VALUE : c.identity().notAfter().getEpochSecond();
        }

        @Override
        public Snapshot snapshot() {
            Current c = now;
            return c == null ? null : new Snapshot(c.context(), c.identity() == null ? Long.MAX_VALUE
                    : c.identity().notAfter().getEpochSecond());
        }

        /** Rebuilds the context; false when the credentials could not be loaded (the old context stays). */
        synchronized boolean rebuild() {
            if (retired) {
                return true;
            }
            TlsSettings s = key.settings;
            try {
                CertifiedKey id = s.certificate() == null ? null : loader.identity(s.certificate());
                PeerTrust trust = s.trust() == null ? null : loader.trust(s.trust());
                if (id == null && key.server) {
                    throw new CredentialException(String.valueOf(s.certificate()), "no certificate yet");
                }
                if (trust == null && !key.server) {
                    throw new CredentialException(String.valueOf(s.trust()), "no trust bundle yet");
                }
                if (id != null) {
                    id.checkValidAt(Instant.now(), String.valueOf(s.certificate()));
                }
                SpiffeTrustManager peers = trust == null ? null : new SpiffeTrustManager(trust, allowed(s));
                List<String> versions = s.minVersion().equals(s.maxVersion()) ? List.of(s.minVersion())
                        : List.of("TLSv1.3", "TLSv1.2");
                SslContext next = key.server
                        ? TlsContexts.server(TlsContexts.provider(), id, peers, s.requireClientCertificate(), s.alpn(),
                                versions)
                        : TlsContexts.client(TlsContexts.provider(), id, peers, s.alpn(), versions);
                boolean rotated = now != null;
                now = new Current(next, id);
                identity = id;
                measure(id);
                if (rotated) {
                    log.info("TLS credentials of {} rotated{}", label(s),
                            id == null ? "" : ": " + id.spiffeId().map(Object::toString).orElse("")
                                    + " serial " + id.serial().toString(16) + " until " + id.notAfter());
                }
                return true;
            } catch (CredentialException | javax.net.ssl.SSLException | RuntimeException e) {
                // The last good context stays: a broken rotation must not take TLS down.
                log.warn("TLS credentials of {} not (re)loaded: {}{}", label(s), e.getMessage(),
                        now == null ? "; connections on it are refused until they are" : "; the previous ones stay");
                return false;
            }
        }

        /**
         * One gauge per certificate presented, labelled with its SPIFFE ID and serial: a rotation
         * replaces the series, so the metric always shows the certificate in use.
         */
        private void measure(CertifiedKey id) {
            if (registry == null || id == null) {
                return;
            }
            String serial = id.serial().toString(16);
            if (expiry != null && serial.equals(expiry.getId().getTag("serial"))) {
                return;
            }
            unmeasure();
            long notAfter = id.notAfter().getEpochSecond();
            expiry = Gauge.builder(EXPIRY, () -> notAfter - Instant.now().getEpochSecond())
                    .tag("source", key.settings.certificate().label())
                    .tag("side", side())
                    .tag("spiffe_id", id.spiffeId().map(Object::toString).orElse(""))
                    .tag("serial", serial)
                    .baseUnit("seconds")
                    .description("Seconds until the certificate this side presents expires")
                    .register(registry);
        }

        private void unmeasure() {
            if (expiry != null) {
                registry.remove(expiry);
                expiry = null;
            }
        }

        /** Taken out of use: no more rebuilds, no gauge. */
        synchronized void retire() {
            retired = true;
            unmeasure();
        }

        /** The next check of the files rebuilds, changed or not. */
        synchronized void forgetFiles() {
            fileFingerprint = "";
        }

        /** Whether a file this reads changed since the last look (by content). */
        synchronized boolean filesChanged() {
            String seen = FileFingerprint.of(loader.files(key.settings));
            if (seen.equals(fileFingerprint)) {
                return false;
            }
            fileFingerprint = seen;
            return true;
        }
    }
}
