package dev.outrigger.sidecar.tls;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.outrigger.mtls.CredentialException;
import dev.outrigger.mtls.PeerTrust;
import dev.outrigger.mtls.TrustBundle;
import dev.outrigger.sidecar.secret.SecretConfig.PemSource;
import dev.outrigger.sidecar.secret.SpiffeTrust;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads the trust of Envoy's SPIFFE validator: a PEM bundle per trust domain, or a SPIFFE trust
 * bundle map, the JSON document SPIRE and other SPIFFE implementations publish:
 * {@code {"trust_domains": {"example.org": {"keys": [{"use": "x509-svid", "x5c": ["<base64 DER>"]}]}}}}.
 * Keys for JWT-SVIDs ({@code "use": "jwt-svid"}) are skipped; a trust domain needs at least one
 * X.509 CA.
 */
public final class SpiffeBundles {

    private SpiffeBundles() {
    }

    /** The bundles {@code trust} names, read now; {@code where} names the configuration in errors. */
    public static PeerTrust load(SpiffeTrust trust, String where) throws CredentialException {
        try {
            if (trust.bundleMap() != null) {
                PemSource map = trust.bundleMap();
                String source = map.inline() != null ? where + " trust_bundles" : map.file().toString();
                return PeerTrust.perTrustDomain(parseBundleMap(text(map, source), source));
            }
            Map<String, TrustBundle> bundles = new TreeMap<>();
            for (Map.Entry<String, PemSource> e : trust.trustDomains().entrySet()) {
                PemSource pem = e.getValue();
                bundles.put(e.getKey(), pem.inline() != null
                        ? TrustBundle.parse(pem.inline(), where + " trust domain " + e.getKey())
                        : TrustBundle.read(pem.file()));
            }
            return PeerTrust.perTrustDomain(bundles);
        } catch (IllegalArgumentException e) {
            throw new CredentialException(where, e.getMessage());
        }
    }

    /** The CA certificates of each trust domain in a SPIFFE bundle map. */
    public static Map<String, TrustBundle> parseBundleMap(String json, String source) throws CredentialException {
        Struct.Builder root = Struct.newBuilder();
        try {
            JsonFormat.parser().merge(json, root);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new CredentialException(source, "not a SPIFFE bundle map (JSON): " + e.getMessage());
        }
        Value domains = root.getFieldsOrDefault("trust_domains", Value.getDefaultInstance());
        if (!domains.hasStructValue() || domains.getStructValue().getFieldsCount() == 0) {
            throw new CredentialException(source, "no trust domains: expected {\"trust_domains\": {NAME: {\"keys\": [...]}}}");
        }
        Map<String, TrustBundle> out = new TreeMap<>();
        for (Map.Entry<String, Value> d : domains.getStructValue().getFieldsMap().entrySet()) {
            String at = "trust domain " + d.getKey();
            if (!d.getValue().hasStructValue()) {
                throw new CredentialException(source, at + ": expected an object with \"keys\"");
            }
            Value keys = d.getValue().getStructValue().getFieldsOrDefault("keys", Value.getDefaultInstance());
            if (!keys.hasListValue()) {
                throw new CredentialException(source, at + ": \"keys\" is missing or not a list");
            }
            List<X509Certificate> cas = certificates(keys.getListValue(), source, at);
            if (cas.isEmpty()) {
                throw new CredentialException(source, at + ": no key with \"use\": \"x509-svid\"");
            }
            try {
                out.put(d.getKey(), new TrustBundle(cas));
            } catch (IllegalArgumentException e) {
                throw new CredentialException(source, at + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static List<X509Certificate> certificates(ListValue keys, String source, String at)
            throws CredentialException {
        List<X509Certificate> out = new ArrayList<>();
        for (int i = 0; i < keys.getValuesCount(); i++) {
            String key = at + " key " + i;
            Value v = keys.getValues(i);
            if (!v.hasStructValue()) {
                throw new CredentialException(source, key + ": expected an object");
            }
            Map<String, Value> fields = v.getStructValue().getFieldsMap();
            String use = fields.getOrDefault("use", Value.getDefaultInstance()).getStringValue();
            if (use.equals("jwt-svid")) {
                continue;
            }
            if (!use.equals("x509-svid")) {
                throw new CredentialException(source, key + ": \"use\" is \"" + use + "\" (x509-svid or jwt-svid)");
            }
            Value x5c = fields.getOrDefault("x5c", Value.getDefaultInstance());
            if (!x5c.hasListValue() || x5c.getListValue().getValuesCount() == 0) {
                throw new CredentialException(source, key + ": \"x5c\" is missing or empty");
            }
            for (Value der : x5c.getListValue().getValuesList()) {
                out.add(certificate(der.getStringValue(), source, key));
            }
        }
        return out;
    }

    private static X509Certificate certificate(String base64, String source, String key) throws CredentialException {
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException e) {
            throw new CredentialException(source, key + ": \"x5c\" holds no DER certificate in base64: " + e.getMessage());
        }
    }

    private static String text(PemSource source, String name) throws CredentialException {
        if (source.inline() != null) {
            return source.inline();
        }
        try {
            return Files.readString(source.file(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CredentialException(name, "cannot read: " + e);
        }
    }
}
