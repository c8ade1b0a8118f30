package dev.outrigger.sidecar.tls;

import dev.outrigger.mtls.AllowedPeers;
import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.CredentialException;
import dev.outrigger.mtls.Pem;
import dev.outrigger.mtls.SpiffeTrustManager;
import dev.outrigger.mtls.TlsContexts;
import dev.outrigger.mtls.TrustBundle;
import dev.outrigger.mtls.UriSanMatcher;
import dev.outrigger.sidecar.secret.SecretConfig;
import dev.outrigger.sidecar.secret.SecretConsumer;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS contexts of every listener chain and cluster, one per distinct {@link TlsSettings} and
 * side, built from files (checked every second and rebuilt when they change), inline PEM, or SDS
 * secrets (rebuilt when a secret changes). Rotation publishes a new context: new handshakes use
 * it at once, open connections keep theirs until they are replaced before expiry. A rebuild that
 * fails keeps the last good context.
 */
public final class TlsContextManager implements SecretConsumer, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TlsContextManager.class);
    /** Any SPIFFE ID the trust bundle vouches for, when no SAN matcher narrows it. */
    private static final AllowedPeers ANY_SPIFFE_ID = AllowedPeers.matching(List.of(UriSanMatcher.prefix("spiffe://")));

    private final Map<Key, Holder> holders = new ConcurrentHashMap<>();
    private final Map<String, SecretConfig> secrets = new ConcurrentHashMap<>();
    private final ScheduledExecutorService files;

    private final io.micrometer.core.instrument.MeterRegistry registry;

    /** A manager that checks watched files every {@code pollMillis}; certificate expiry gauges go to {@code registry}. */
    public TlsContextManager(long pollMillis, io.micrometer.core.instrument.MeterRegistry registry) {
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

    /** Every certificate in use: where it comes from, its SPIFFE ID, serial and expiry. */
    public List<CertificateStatus> certificates() {
        List<CertificateStatus> out = new ArrayList<>();
        for (Holder h : holders.values()) {
            CertifiedKey k = h.identity;
            if (k != null) {
                out.add(new CertificateStatus(h.key.settings.certificate().label(),
                        k.spiffeId().map(Object::toString).orElse(""), k.serial().toString(16), k.notAfter()));
            }
        }
        out.sort((a, b) -> a.source().compareTo(b.source()));
        return out;
    }

    private void rebuildUsing(String secret) {
        for (Holder h : holders.values()) {
            if (h.key.settings.sdsNames().contains(secret)) {
                h.rebuild();
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
     * @param spiffeId its SPIFFE ID, "" without one
     * @param serial its serial, hex
     * @param notAfter when it expires
     */
    public record CertificateStatus(String source, String spiffeId, String serial, Instant notAfter) {
    }

    private record Key(TlsSettings settings, boolean server) {
    }

    private record Current(SslContext context, CertifiedKey identity) {
    }

    // What logs call a context: its certificate's source, or its trust bundle's for a client without one.
    private static String label(TlsSettings s) {
        return s.certificate() != null ? s.certificate().label() : "trust " + s.trust();
    }

    /** The current context of one settings-and-side. */
    private final class Holder implements TlsContextSource {

        private final Key key;
        /** The context and the certificate it presents, published together. */
        private volatile Current now;
        private volatile CertifiedKey identity;
        private String fileSignature = "";

        Holder(Key key) {
            this.key = key;
            this.fileSignature = signature();
            rebuild();
            if (registry != null && key.settings.certificate() != null) {
                // Seconds left on the certificate this side presents: alert well before zero.
                io.micrometer.core.instrument.Gauge.builder("outrigger.tls.certificate.expiry", this,
                                h -> h.identity == null ? Double.NaN
                                        : h.identity.notAfter().getEpochSecond() - Instant.now().getEpochSecond())
                        .tag("source", key.settings.certificate().label())
                        .tag("side", key.server ? "listener" : "cluster")
                        .baseUnit("seconds")
                        .register(registry);
            }
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
            TlsSettings s = key.settings;
            try {
                CertifiedKey id = s.certificate() == null ? null : identity(s.certificate());
                TrustBundle bundle = s.trust() == null ? null : trust(s.trust());
                if (id == null && key.server) {
                    throw new CredentialException(String.valueOf(s.certificate()), "no certificate yet");
                }
                if (bundle == null && !key.server) {
                    throw new CredentialException(String.valueOf(s.trust()), "no trust bundle yet");
                }
                if (id != null) {
                    id.checkValidAt(Instant.now(), String.valueOf(s.certificate()));
                }
                SpiffeTrustManager peers = bundle == null ? null : new SpiffeTrustManager(bundle, allowed(s));
                List<String> versions = s.minVersion().equals(s.maxVersion()) ? List.of(s.minVersion())
                        : List.of("TLSv1.3", "TLSv1.2");
                SslContext next = key.server
                        ? TlsContexts.server(TlsContexts.provider(), id, peers, s.requireClientCertificate(), s.alpn(),
                                versions)
                        : TlsContexts.client(TlsContexts.provider(), id, peers, s.alpn(), versions);
                boolean rotated = now != null;
                now = new Current(next, id);
                identity = id;
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

        /** The next check of the files rebuilds, changed or not. */
        synchronized void forgetFiles() {
            fileSignature = "";
        }

        private AllowedPeers allowed(TlsSettings s) {
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

        private CertifiedKey identity(CredentialRef ref) throws CredentialException {
            if (ref instanceof CredentialRef.Files f) {
                return CertifiedKey.read(f.chain(), f.key());
            }
            if (ref instanceof CredentialRef.Inline i) {
                return CertifiedKey.of(Pem.parsePrivateKey(i.key(), Pem.INLINE),
                        Pem.parseCertificates(i.chain(), Pem.INLINE), Pem.INLINE);
            }
            String name = ((CredentialRef.Sds) ref).name();
            SecretConfig secret = secrets.get(name);
            String where = "SDS secret " + name;
            if (secret == null || secret.certificate() == null) {
                throw new CredentialException(where, "no tls_certificate received");
            }
            return CertifiedKey.of(key(secret.certificate().privateKey(), where),
                    certificates(secret.certificate().chain(), where), where);
        }

        private TrustBundle trust(TrustRef ref) throws CredentialException {
            if (ref instanceof TrustRef.File f) {
                return TrustBundle.read(f.bundle());
            }
            if (ref instanceof TrustRef.Inline i) {
                return TrustBundle.parse(i.bundle(), Pem.INLINE);
            }
            String name = ((TrustRef.Sds) ref).name();
            SecretConfig secret = secrets.get(name);
            String where = "SDS secret " + name;
            if (secret == null || secret.validation() == null) {
                throw new CredentialException(where, "no validation_context received");
            }
            SecretConfig.PemSource ca = secret.validation().trustedCa();
            return ca.inline() != null ? TrustBundle.parse(ca.inline(), where) : TrustBundle.read(ca.file());
        }

        private List<java.security.cert.X509Certificate> certificates(SecretConfig.PemSource pem, String where)
                throws CredentialException {
            return pem.inline() != null ? Pem.parseCertificates(pem.inline(), where) : Pem.readCertificates(pem.file());
        }

        private java.security.PrivateKey key(SecretConfig.PemSource pem, String where) throws CredentialException {
            return pem.inline() != null ? Pem.parsePrivateKey(pem.inline(), where) : Pem.readPrivateKey(pem.file());
        }

        /** Whether a watched file changed since the last look (modification time and size). */
        synchronized boolean filesChanged() {
            String now = signature();
            if (now.equals(fileSignature)) {
                return false;
            }
            fileSignature = now;
            return true;
        }

        private String signature() {
            List<Path> paths = new ArrayList<>();
            if (key.settings.certificate() instanceof CredentialRef.Files f) {
                paths.add(f.chain());
                paths.add(f.key());
            }
            if (key.settings.trust() instanceof TrustRef.File f) {
                paths.add(f.bundle());
            }
            StringBuilder sb = new StringBuilder();
            for (Path p : paths) {
                try {
                    sb.append(Files.getLastModifiedTime(p).toMillis()).append('/').append(Files.size(p)).append(';');
                } catch (IOException e) {
                    sb.append("missing;");
                }
            }
            return sb.toString();
        }
    }
}
