package dev.outrigger.mtls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;

/** The kinds of key the CA generates: EC P-256 (the default, small and fast) or RSA 2048. */
public enum KeyType {
    /** ECDSA on NIST P-256. */
    EC("EC P-256"),
    /** RSA with a 2048-bit modulus. */
    RSA("RSA 2048");

    private final String description;

    KeyType(String description) {
        this.description = description;
    }

    /** A new key pair of this type. */
    public KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(name());
            if (this == EC) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            // Both algorithms are mandatory in every Java runtime.
            throw new IllegalStateException("cannot generate a " + description + " key", e);
        }
    }

    /** The signature algorithm a CA holding {@code key} signs with. */
    static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("cannot sign with a " + key.getAlgorithm() + " key");
        };
    }

    /** E.g. "EC P-256". */
    @Override
    public String toString() {
        return description;
    }
}
