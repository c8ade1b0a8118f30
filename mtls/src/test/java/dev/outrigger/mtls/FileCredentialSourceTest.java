package dev.outrigger.mtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.Await;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credential files that change under a running source: in place, by rename, by symlink swap, and badly. */
class FileCredentialSourceTest {

    private static final Duration INTERVAL = Duration.ofMillis(20);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final CertificateAuthority CA = TestPki.root(TestPki.DOMAIN);

    @TempDir
    Path dir;

    private final List<CredentialSnapshot> updates = new CopyOnWriteArrayList<>();
    private final List<CredentialException> errors = new CopyOnWriteArrayList<>();
    private final CredentialListener listener = new CredentialListener() {
        @Override
        public void onCredentials(CredentialSnapshot snapshot) {
            updates.add(snapshot);
        }

        @Override
        public void onError(CredentialException error) {
            errors.add(error);
        }
    };
    private Path cert;
    private Path key;
    private Path bundle;
    private CertifiedKey first;
    private FileCredentialSource source;

    @BeforeEach
    void start() throws Exception {
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        bundle = dir.resolve("ca.pem");
        first = CA.issue(TestPki.id("web"), Duration.ofHours(1));
        writeInPlace(first);
        Files.writeString(bundle, CA.trustBundle().toPem());
        source = FileCredentialSource.start(new CredentialFiles(cert, key, bundle), INTERVAL, Clock.systemUTC(), listener);
    }

    @AfterEach
    void stop() {
        source.close();
    }

    @Test
    void startsWithTheFilesCredentials() {
        assertEquals(first.serial(), source.current().identity().serial());
        assertEquals(List.of(CA.root()), source.current().trustBundle().certificates());
        assertTrue(updates.isEmpty(), "the first load is not a change");
    }

    @Test
    void picksUpFilesRewrittenInPlace() throws Exception {
        CertifiedKey second = CA.issue(TestPki.id("web"), Duration.ofHours(2));
        writeInPlace(second);
        awaitServing(second.serial());
        assertEquals(second.serial(), updates.get(updates.size() - 1).identity().serial());
    }

    @Test
    void aBadChangeIsReportedOnlyOnceItHasLastedAWholeInterval() throws Exception {
        source.close();
        // Polled by hand: an hour between automatic polls means none happens during the test.
        source = FileCredentialSource.start(new CredentialFiles(cert, key, bundle), Duration.ofHours(1), Clock.systemUTC(),
                listener);
        CertifiedKey second = CA.issue(TestPki.id("web"), Duration.ofHours(2));
        Files.writeString(cert, second.chainPem());
        source.pollNow();
        assertTrue(errors.isEmpty(), "a writer between the certificate and the key is not an error yet");
        source.pollNow();
        assertEquals(1, errors.size(), "still the same after an interval: reported");
        source.pollNow();
        assertEquals(1, errors.size(), "and only once");
        assertEquals(first.serial(), source.current().identity().serial());
        Files.writeString(key, Pem.writePrivateKey(second.key()));
        source.pollNow();
        assertEquals(second.serial(), source.current().identity().serial());
        assertEquals(1, updates.size());
    }

    @Test
    void picksUpFilesRenamedIntoPlace() throws Exception {
        CertifiedKey second = CA.issue(TestPki.id("web"), Duration.ofHours(2), KeyType.RSA);
        AtomicFiles.writeSecret(key, Pem.writePrivateKey(second.key()));
        AtomicFiles.write(cert, second.chainPem());
        awaitServing(second.serial());
        assertEquals(KeyType.RSA.name(), source.current().identity().key().getAlgorithm());
    }

    @Test
    void picksUpAKubernetesStyleSymlinkSwap() throws Exception {
        source.close();
        // A secret volume: cert.pem -> ..data/cert.pem, ..data -> ..v1; an update points ..data at ..v2.
        Path volume = Files.createDirectories(dir.resolve("volume"));
        Path v1 = Files.createDirectories(volume.resolve("..v1"));
        write(v1, first);
        Files.createSymbolicLink(volume.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(volume.resolve("cert.pem"), Path.of("..data", "cert.pem"));
        Files.createSymbolicLink(volume.resolve("key.pem"), Path.of("..data", "key.pem"));
        source = FileCredentialSource.start(new CredentialFiles(volume.resolve("cert.pem"), volume.resolve("key.pem"), null),
                INTERVAL, Clock.systemUTC(), listener);
        assertNull(source.current().trustBundle());

        CertifiedKey second = CA.issue(TestPki.id("web"), Duration.ofHours(2));
        Path v2 = Files.createDirectories(volume.resolve("..v2"));
        write(v2, second);
        Path next = Files.createSymbolicLink(volume.resolve("..data_tmp"), v2.getFileName());
        Files.move(next, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        awaitServing(second.serial());
    }

    @Test
    void aCorruptWriteKeepsTheOldCredentialsAndIsReportedOnce() throws Exception {
        String malformed = cert + ": malformed PEM: ";
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nMIIB\n");
        Await.until("the corrupt file is reported", TIMEOUT, () -> count(malformed) == 1);
        assertEquals(first.serial(), source.current().identity().serial());
        assertTrue(updates.isEmpty());

        // A valid certificate beside the old key: the other classic half-finished rotation.
        String mismatch = cert + " and " + key + ": private key does not match the certificate spiffe://example.org/web";
        CertifiedKey second = CA.issue(TestPki.id("web"), Duration.ofHours(2));
        Files.writeString(cert, second.chainPem());
        Await.until("the mismatch is reported", TIMEOUT, () -> count(mismatch) == 1);
        assertEquals(first.serial(), source.current().identity().serial());

        Files.writeString(key, Pem.writePrivateKey(second.key()));
        awaitServing(second.serial());
        assertEquals(1, count(malformed), "each bad content is reported once: " + errors);
        assertEquals(1, count(mismatch), "each bad content is reported once: " + errors);
    }

    private long count(String messagePrefix) {
        return errors.stream().filter(e -> e.getMessage().startsWith(messagePrefix)).count();
    }

    @Test
    void refusesAnExpiredReplacement() throws Exception {
        CertifiedKey expired = CA.withClock(TestPki.shifted(Duration.ofDays(-2))).issue(TestPki.id("web"), Duration.ofHours(1));
        AtomicFiles.writeSecret(key, Pem.writePrivateKey(expired.key()));
        AtomicFiles.write(cert, expired.chainPem());
        Await.until("the expired certificate is reported", TIMEOUT,
                () -> count(cert + ": certificate expired at " + expired.notAfter()) == 1);
        assertEquals(first.serial(), source.current().identity().serial());
    }

    @Test
    void startFailsOnUnusableFiles() throws Exception {
        Files.delete(key);
        CredentialAssertions.assertProblem(key + ": cannot read: no such file", () -> FileCredentialSource.start(
                new CredentialFiles(cert, key, null), INTERVAL, Clock.systemUTC(), listener));
    }

    private void awaitServing(BigInteger serial) throws Exception {
        Await.until("serving serial " + serial.toString(16), TIMEOUT,
                () -> source.current().identity().serial().equals(serial)
                        && !updates.isEmpty() && updates.get(updates.size() - 1).identity().serial().equals(serial));
    }

    private void writeInPlace(CertifiedKey credentials) throws IOException {
        Files.writeString(cert, credentials.chainPem());
        Files.writeString(key, Pem.writePrivateKey(credentials.key()));
    }

    private static void write(Path dir, CertifiedKey credentials) throws IOException {
        Files.writeString(dir.resolve("cert.pem"), credentials.chainPem());
        Files.writeString(dir.resolve("key.pem"), Pem.writePrivateKey(credentials.key()));
    }
}
