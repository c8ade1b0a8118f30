package dev.outrigger.sidecar.tls;

import dev.outrigger.mtls.AtomicFiles;
import dev.outrigger.mtls.CertificateAuthority;
import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.KeyType;
import dev.outrigger.mtls.Pem;
import dev.outrigger.mtls.SpiffeId;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** A mesh CA in a test and the files each sidecar reads: cert.pem, key.pem, ca.pem per workload. */
public final class MeshFiles {

    public final CertificateAuthority ca;
    final Path dir;

    public MeshFiles(String trustDomain, Path dir) {
        // Made a day ago, so that tests can issue certificates that are already expired.
        this.ca = CertificateAuthority.createRoot(trustDomain, KeyType.EC, Duration.ofDays(3),
                Clock.offset(Clock.systemUTC(), Duration.ofDays(-1))).withClock(Clock.systemUTC());
        this.dir = dir;
    }

    /** Writes a certificate for {@code spiffeId} valid for {@code ttl} into {@code dir/name/}; returns that directory. */
    public Path issue(String name, String spiffeId, Duration ttl) throws IOException {
        return write(name, ca.issue(SpiffeId.parse(spiffeId), ttl));
    }

    /** Writes {@code key} and this CA's bundle into {@code dir/name/}. */
    public Path write(String name, CertifiedKey key) throws IOException {
        Path d = dir.resolve(name);
        java.nio.file.Files.createDirectories(d);
        AtomicFiles.write(d.resolve("cert.pem"), Pem.writeCertificates(key.chain()));
        AtomicFiles.writeSecret(d.resolve("key.pem"), Pem.writePrivateKey(key.key()));
        AtomicFiles.write(d.resolve("ca.pem"), Pem.writeCertificates(java.util.List.of(ca.root())));
        return d;
    }

    /**
     * A client TLS context presenting {@code key} (none when null) and trusting any SPIFFE ID
     * this CA vouches for: a test acting as a caller.
     */
    public javax.net.ssl.SSLContext clientContext(CertifiedKey key) throws java.security.GeneralSecurityException,
            IOException {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        if (key != null) {
            ks.setKeyEntry("k", key.key(), new char[0], key.chain().toArray(new java.security.cert.Certificate[0]));
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), new javax.net.ssl.TrustManager[] {new dev.outrigger.mtls.SpiffeTrustManager(
                ca.trustBundle(), dev.outrigger.mtls.AllowedPeers.matching(java.util.List.of(
                        dev.outrigger.mtls.UriSanMatcher.prefix("spiffe://"))))}, null);
        return ssl;
    }

    /** A SPIFFE trust bundle map (JSON) with the given CA certificate for each trust domain. */
    public static String bundleMap(java.util.Map<String, java.security.cert.X509Certificate> cas) {
        StringBuilder json = new StringBuilder("{\n  \"trust_domains\": {");
        String sep = "";
        for (var e : new java.util.TreeMap<>(cas).entrySet()) {
            String der;
            try {
                der = java.util.Base64.getEncoder().encodeToString(e.getValue().getEncoded());
            } catch (java.security.cert.CertificateEncodingException ex) {
                throw new IllegalStateException(ex);
            }
            json.append(sep).append("\n    \"").append(e.getKey()).append("\": {\"spiffe_sequence\": 1, \"keys\": [")
                    .append("{\"use\": \"x509-svid\", \"kty\": \"EC\", \"x5c\": [\"").append(der).append("\"]}]}");
            sep = ",";
        }
        return json.append("\n  }\n}\n").toString();
    }

    /** A downstream {@code transport_socket} requiring client certificates whose SPIFFE ID starts with {@code peerPrefix}. */
    public static String downstreamTls(Path certs, String peerPrefix, String indent) {
        return ("""
                transport_socket:
                  name: envoy.transport_sockets.tls
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                    require_client_certificate: true
                    common_tls_context:
                      alpn_protocols: [h2, http/1.1]
                      tls_certificates:
                      - certificate_chain: { filename: %s }
                        private_key: { filename: %s }
                      validation_context:
                        trusted_ca: { filename: %s }
                        match_typed_subject_alt_names:
                        - san_type: URI
                          matcher: { prefix: "%s" }
                """.formatted(certs.resolve("cert.pem"), certs.resolve("key.pem"), certs.resolve("ca.pem"), peerPrefix))
                .indent(indent.length());
    }

    /** An upstream {@code transport_socket} expecting the peer {@code peerId}. */
    public static String upstreamTls(Path certs, String peerId, String indent) {
        return ("""
                transport_socket:
                  name: envoy.transport_sockets.tls
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
                    common_tls_context:
                      tls_certificates:
                      - certificate_chain: { filename: %s }
                        private_key: { filename: %s }
                      validation_context:
                        trusted_ca: { filename: %s }
                        match_typed_subject_alt_names:
                        - san_type: URI
                          matcher: { exact: "%s" }
                """.formatted(certs.resolve("cert.pem"), certs.resolve("key.pem"), certs.resolve("ca.pem"), peerId))
                .indent(indent.length());
    }
}
