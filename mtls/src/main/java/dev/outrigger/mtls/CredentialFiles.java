package dev.outrigger.mtls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Where a workload's credentials live: a PEM certificate chain, its PEM private key and,
 * optionally, a PEM trust bundle.
 *
 * @param certificateChain the leaf first, then intermediates
 * @param privateKey       the leaf's key (PKCS#8, SEC1 or PKCS#1)
 * @param trustBundle      the CAs peers must chain to; null for none
 */
public record CredentialFiles(Path certificateChain, Path privateKey, Path trustBundle) {

    /** Checks that the chain and key paths are present. */
    public CredentialFiles {
        if (certificateChain == null || privateKey == null) {
            throw new IllegalArgumentException("credential files need a certificate chain and a private key");
        }
    }

    /** Reads and checks the files: the key matches the leaf, the leaf is valid at {@code now}. */
    public CredentialSnapshot load(Instant now) throws CredentialException {
        return parse(read(), now);
    }

    /** The raw bytes of each file (chain, key, bundle), null for a file that does not exist or is not configured. */
    Contents read() throws CredentialException {
        return new Contents(bytes(certificateChain), bytes(privateKey), trustBundle == null ? null : bytes(trustBundle));
    }

    /** Parses and checks what {@link #read()} returned, so what is checked is exactly what was compared. */
    CredentialSnapshot parse(Contents contents, Instant now) throws CredentialException {
        List<X509Certificate> chain =
                Pem.parseCertificates(text(contents.chain(), certificateChain), certificateChain.toString());
        PrivateKey key = Pem.parsePrivateKey(text(contents.key(), privateKey), privateKey.toString());
        CertifiedKey identity = CertifiedKey.of(key, chain, certificateChain + " and " + privateKey);
        identity.checkValidAt(now, certificateChain.toString());
        TrustBundle bundle = trustBundle == null ? null
                : TrustBundle.parse(text(contents.bundle(), trustBundle), trustBundle.toString());
        return new CredentialSnapshot(identity, bundle);
    }

    private static byte[] bytes(Path file) throws CredentialException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            // Between the unlink and the rename of some writers; parse() reports it if it lasts.
            return null;
        } catch (IOException e) {
            throw new CredentialException(file.toString(), "cannot read: " + e, e);
        }
    }

    private static String text(byte[] bytes, Path file) throws CredentialException {
        if (bytes == null) {
            throw new CredentialException(file.toString(), "cannot read: no such file");
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** The bytes of the three files at one moment; equal when every file's bytes are. */
    record Contents(byte[] chain, byte[] key, byte[] bundle) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Contents other && Arrays.equals(chain, other.chain) && Arrays.equals(key, other.key)
                    && Arrays.equals(bundle, other.bundle);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(chain) + Arrays.hashCode(key)) + Arrays.hashCode(bundle);
        }

        @Override
        public String toString() {
            return "Contents[" + length(chain) + ", " + length(key) + ", " + length(bundle) + " bytes]";
        }

        private static String length(byte[] b) {
            return b == null ? "none" : Integer.toString(b.length);
        }
    }
}
