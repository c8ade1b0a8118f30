package dev.outrigger.mtls;

import java.net.URI;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A SPIFFE ID ({@code spiffe://trust-domain/path}), validated by the rules of the SPIFFE ID
 * specification; two IDs are equal when their text is.
 */
public final class SpiffeId {

    /** The spec's limit on a whole ID, in bytes (all allowed characters are ASCII). */
    public static final int MAX_LENGTH = 2048;
    /** The spec's limit on a trust domain name. */
    public static final int MAX_TRUST_DOMAIN_LENGTH = 255;

    private static final String SCHEME = "spiffe://";

    private final String trustDomain;
    private final String path;

    private SpiffeId(String trustDomain, String path) {
        this.trustDomain = trustDomain;
        this.path = path;
    }

    /**
     * Parses {@code text}; throws {@link IllegalArgumentException} whose message quotes the text
     * and says which rule it breaks.
     */
    public static SpiffeId parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("SPIFFE ID is empty");
        }
        String problem = problemWith(text);
        if (problem != null) {
            throw new IllegalArgumentException("'" + text + "' is not a SPIFFE ID: " + problem);
        }
        int slash = text.indexOf('/', SCHEME.length());
        return slash < 0
                ? new SpiffeId(text.substring(SCHEME.length()), "")
                : new SpiffeId(text.substring(SCHEME.length(), slash), text.substring(slash));
    }

    /**
     * The ID that names a whole trust domain, {@code spiffe://trustDomain} (as signing CAs carry);
     * throws {@link IllegalArgumentException} naming the rule a bad name breaks.
     */
    public static SpiffeId ofTrustDomain(String trustDomain) {
        String problem = trustDomain == null ? "the trust domain is missing" : trustDomainProblem(trustDomain);
        if (problem != null) {
            throw new IllegalArgumentException("'" + trustDomain + "' is not a trust domain name: " + problem);
        }
        return new SpiffeId(trustDomain, "");
    }

    /**
     * The SPIFFE ID of an X.509-SVID: present only when the certificate has exactly one URI SAN
     * and it is a valid SPIFFE ID (the X.509-SVID spec allows no more); empty otherwise, including
     * when the SAN extension cannot be parsed.
     */
    public static Optional<SpiffeId> fromCertificate(X509Certificate certificate) {
        List<String> uris = uriSans(certificate);
        if (uris.size() != 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(uris.get(0)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Every URI subject alternative name of {@code certificate}, in order. */
    static List<String> uriSans(X509Certificate certificate) {
        Collection<List<?>> sans;
        try {
            sans = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of();
        }
        List<String> uris = new ArrayList<>();
        if (sans != null) {
            for (List<?> san : sans) {
                // GeneralName tag 6 is uniformResourceIdentifier (RFC 5280, 4.2.1.6).
                if (san.size() >= 2 && Integer.valueOf(6).equals(san.get(0)) && san.get(1) instanceof String uri) {
                    uris.add(uri);
                }
            }
        }
        return uris;
    }

    /** The trust domain, e.g. {@code example.org}. */
    public String trustDomain() {
        return trustDomain;
    }

    /** The path with its leading slash, e.g. {@code /ns/shop/sa/web}; empty for a trust domain's own ID. */
    public String path() {
        return path;
    }

    /** Whether this ID belongs to {@code trustDomain}. */
    public boolean isMemberOf(String trustDomain) {
        return this.trustDomain.equals(trustDomain);
    }

    /** This ID as a URI. */
    public URI toUri() {
        return URI.create(toString());
    }

    @Override
    public String toString() {
        return SCHEME + trustDomain + path;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpiffeId other && trustDomain.equals(other.trustDomain) && path.equals(other.path);
    }

    @Override
    public int hashCode() {
        return 31 * trustDomain.hashCode() + path.hashCode();
    }

    /** The first rule {@code text} breaks, or null if it is a valid SPIFFE ID. */
    private static String problemWith(String text) {
        if (text.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters (" + text.length() + ")";
        }
        if (!text.startsWith(SCHEME)) {
            return text.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                    ? "the scheme must be lower-case 'spiffe://'"
                    : "the scheme must be 'spiffe://'";
        }
        if (text.indexOf('?') >= 0) {
            return "a query is not allowed";
        }
        if (text.indexOf('#') >= 0) {
            return "a fragment is not allowed";
        }
        int slash = text.indexOf('/', SCHEME.length());
        String domain = slash < 0 ? text.substring(SCHEME.length()) : text.substring(SCHEME.length(), slash);
        String domainProblem = trustDomainProblem(domain);
        if (domainProblem != null) {
            return domainProblem;
        }
        return slash < 0 ? null : pathProblem(text.substring(slash));
    }

    private static String trustDomainProblem(String domain) {
        if (domain.isEmpty()) {
            return "the trust domain is missing";
        }
        if (domain.indexOf('@') >= 0) {
            return "userinfo is not allowed";
        }
        if (domain.indexOf(':') >= 0) {
            return "a port is not allowed";
        }
        if (domain.length() > MAX_TRUST_DOMAIN_LENGTH) {
            return "the trust domain is longer than " + MAX_TRUST_DOMAIN_LENGTH + " characters";
        }
        for (int i = 0; i < domain.length(); i++) {
            char c = domain.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')) {
                return "the trust domain may only contain lower-case letters, digits, '.', '-' and '_' (found '"
                        + c + "')";
            }
        }
        return null;
    }

    private static String pathProblem(String path) {
        if (path.endsWith("/")) {
            return path.equals("/") ? "the path is '/' (leave it out for the trust domain's own ID)"
                    : "the path must not end with '/'";
        }
        // Skip the leading slash: every segment then starts after a '/'.
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                return "the path has an empty segment ('//')";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "the path has a '" + segment + "' segment";
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '.' || c == '-' || c == '_')) {
                    return "path segments may only contain letters, digits, '.', '-' and '_' (found '" + c + "')";
                }
            }
        }
        return null;
    }
}
