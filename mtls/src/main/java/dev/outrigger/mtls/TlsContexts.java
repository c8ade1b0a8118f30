package dev.outrigger.mtls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds Netty {@link SslContext}s for mesh TLS: TLS 1.2 and 1.3 only, the workload's certificate,
 * peers checked by a {@link SpiffeTrustManager}, ALPN; on BoringSSL (netty-tcnative) when it
 * loads, else on the JDK. A context is immutable and shared by all connections: build a new one
 * when credentials change.
 */
public final class TlsContexts {

    /** The TLS versions offered and accepted. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** ALPN for a proxy that speaks both HTTP versions, HTTP/2 preferred. */
    public static final List<String> HTTP_ALPN = List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    private TlsContexts() {
    }

    /** The system property that forces the JDK's TLS ({@code -Doutrigger.tls.provider=jdk}). */
    public static final String PROVIDER_PROPERTY = "outrigger.tls.provider";

    /**
     * {@link SslProvider#OPENSSL} when netty-tcnative's BoringSSL loads on this machine, else
     * {@link SslProvider#JDK}; {@code -Doutrigger.tls.provider=jdk} forces the JDK (read on each call).
     */
    public static SslProvider provider() {
        if ("jdk".equalsIgnoreCase(System.getProperty(PROVIDER_PROPERTY, ""))) {
            return SslProvider.JDK;
        }
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** The provider in words for a start-up log line, with the reason when BoringSSL could not be used. */
    public static String providerDescription() {
        if (provider() == SslProvider.JDK && OpenSsl.isAvailable()) {
            return "JDK provider (Java " + System.getProperty("java.version") + "), chosen with -D" + PROVIDER_PROPERTY
                    + "=jdk";
        }
        if (OpenSsl.isAvailable()) {
            return "OpenSSL provider: " + OpenSsl.versionString() + " (netty-tcnative)";
        }
        Throwable cause = OpenSsl.unavailabilityCause();
        return "JDK provider (Java " + System.getProperty("java.version") + "); BoringSSL unavailable: "
                + (cause == null ? "unknown reason" : cause.toString());
    }

    /** {@link #server(SslProvider, CertifiedKey, SpiffeTrustManager, boolean, List)} on {@link #provider()}. */
    public static SslContext server(CertifiedKey identity, SpiffeTrustManager peers, boolean requireClientCert,
            List<String> alpn) throws SSLException {
        return server(provider(), identity, peers, requireClientCert, alpn);
    }

    /**
     * A server context presenting {@code identity}. With {@code peers} null no client certificate
     * is requested; otherwise one is requested and checked by {@code peers}, and a client without
     * one is refused when {@code requireClientCert}. {@code alpn} lists the protocols the server
     * selects from, in its order of preference; empty for no ALPN.
     */
    public static SslContext server(SslProvider provider, CertifiedKey identity, SpiffeTrustManager peers,
            boolean requireClientCert, List<String> alpn) throws SSLException {
        return server(provider, identity, peers, requireClientCert, alpn, PROTOCOLS);
    }

    /** Like {@link #server(SslProvider, CertifiedKey, SpiffeTrustManager, boolean, List)}, with the TLS versions allowed. */
    public static SslContext server(SslProvider provider, CertifiedKey identity, SpiffeTrustManager peers,
            boolean requireClientCert, List<String> alpn, List<String> protocols) throws SSLException {
        if (identity == null) {
            throw new IllegalArgumentException("a TLS server needs a certificate and key");
        }
        if (peers == null && requireClientCert) {
            throw new IllegalArgumentException("requiring client certificates needs a trust manager to check them");
        }
        SslContextBuilder builder = SslContextBuilder.forServer(identity.key(), identity.chain());
        if (peers == null) {
            builder.clientAuth(ClientAuth.NONE);
        } else {
            builder.trustManager(trustManager(provider, peers))
                    .clientAuth(requireClientCert ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        return common(builder, provider, alpn, protocols).build();
    }

    /** {@link #client(SslProvider, CertifiedKey, SpiffeTrustManager, List)} on {@link #provider()}. */
    public static SslContext client(CertifiedKey identity, SpiffeTrustManager peers, List<String> alpn) throws SSLException {
        return client(provider(), identity, peers, alpn);
    }

    /**
     * A client context that presents {@code identity} when the server asks (none if null) and
     * checks the server with {@code peers}; {@code alpn} lists the protocols offered, empty for none.
     */
    public static SslContext client(SslProvider provider, CertifiedKey identity, SpiffeTrustManager peers,
            List<String> alpn) throws SSLException {
        return client(provider, identity, peers, alpn, PROTOCOLS);
    }

    /** Like {@link #client(SslProvider, CertifiedKey, SpiffeTrustManager, List)}, with the TLS versions allowed. */
    public static SslContext client(SslProvider provider, CertifiedKey identity, SpiffeTrustManager peers,
            List<String> alpn, List<String> protocols) throws SSLException {
        if (peers == null) {
            // Falling back to the JDK's web CAs would trust any public certificate for a mesh peer.
            throw new IllegalArgumentException("a TLS client needs a trust manager to check the server");
        }
        SslContextBuilder builder = SslContextBuilder.forClient()
                .trustManager(trustManager(provider, peers))
                // Netty 4.2 checks host names by default; a mesh server proves a SPIFFE ID, not a DNS name.
                .endpointIdentificationAlgorithm(null);
        if (identity != null) {
            builder.keyManager(identity.key(), identity.chain());
        }
        return common(builder, provider, alpn, protocols).build();
    }

    private static X509ExtendedTrustManager trustManager(SslProvider provider, SpiffeTrustManager peers) {
        return provider == SslProvider.JDK ? peers : new OpenSslAlerts(peers);
    }

    private static SslContextBuilder common(SslContextBuilder builder, SslProvider provider, List<String> alpn,
            List<String> protocols) {
        for (String p : protocols) {
            if (!PROTOCOLS.contains(p)) {
                throw new IllegalArgumentException(p + " is not allowed (" + String.join(", ", PROTOCOLS) + ")");
            }
        }
        if (provider == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
            throw new IllegalArgumentException("the OpenSSL provider is not available here: " + OpenSsl.unavailabilityCause());
        }
        return builder.sslProvider(provider)
                .protocols(protocols)
                .applicationProtocolConfig(alpn(alpn));
    }

    private static ApplicationProtocolConfig alpn(List<String> protocols) {
        if (protocols == null || protocols.isEmpty()) {
            return ApplicationProtocolConfig.DISABLED;
        }
        // NO_ADVERTISE: with no protocol in common the server selects none and the client goes on
        // without ALPN (as nginx and Envoy do); ACCEPT: the client takes what the server selected.
        // These are also the only behaviours both providers support.
        return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, List.copyOf(protocols));
    }
}
