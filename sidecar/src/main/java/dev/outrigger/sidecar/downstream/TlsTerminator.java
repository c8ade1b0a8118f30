package dev.outrigger.sidecar.downstream;

import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.tls.CertificateTimes;
import dev.outrigger.mtls.HandshakeFailures;
import dev.outrigger.sidecar.tls.TlsContextSource;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Terminates TLS on a filter chain that has a {@code transport_socket}: adds the TLS handler with
 * the chain's current context, and once the handshake succeeds records the peer's identity on
 * the connection and installs the chain's own handlers for the protocol ALPN chose. A failed
 * handshake is logged with its reason, counted and closed.
 */
public final class TlsTerminator implements ChainInstaller {

    /** How long a client may take to finish its handshake. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(TlsTerminator.class);

    private final ChainInstaller plain;
    private final Function<FilterChainConfig, TlsContextSource> contexts;

    /** Serves TLS chains with contexts from {@code contexts}, then {@code plain} installs what is inside. */
    public TlsTerminator(ChainInstaller plain, Function<FilterChainConfig, TlsContextSource> contexts) {
        this.plain = plain;
        this.contexts = contexts;
    }

    @Override
    public void install(Channel channel, ListenerContext listener, FilterChainConfig chain, DetectedProtocol protocol) {
        if (chain.tls() == null) {
            plain.install(channel, listener, chain, protocol);
            return;
        }
        TlsContextSource.Snapshot current = contexts.apply(chain).snapshot();
        if (current == null) {
            // Fail closed: no valid certificate (yet), no TLS, no plain-text fallback.
            listener.stats().localError("tls_no_credentials");
            log.warn("listener '{}': no valid TLS credentials for chain {}; connection closed",
                    listener.config().name(), chain.name().isEmpty() ? "(unnamed)" : chain.name());
            channel.close();
            return;
        }
        SslHandler tls = current.context().newHandler(channel.alloc());
        tls.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
        channel.pipeline().addLast("tls", tls);
        long expires = current.expiresAtEpochSecond();
        channel.pipeline().addLast("tls-handshake", new Handshake(listener, chain,
                expires == Long.MAX_VALUE ? Long.MAX_VALUE : expires * 1000));
    }

    /** What the handshake of {@code tls} established: the client's certificate and this side's identity. */
    static PeerCertificate peerCertificate(SslHandler tls) {
        javax.net.ssl.SSLSession session = tls.engine().getSession();
        Certificate[] local = session.getLocalCertificates();
        String localUri = local != null && local.length > 0 && local[0] instanceof X509Certificate l ? uriSan(l) : null;
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return new PeerCertificate(null, null, localUri);
            }
            return new PeerCertificate(uriSan(leaf), sha256(leaf), localUri);
        } catch (SSLPeerUnverifiedException e) {
            return new PeerCertificate(null, null, localUri); // no client certificate: the chain did not require one
        }
    }

    private static String uriSan(X509Certificate cert) {
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans == null) {
                return null;
            }
            for (List<?> san : sans) {
                if (san.size() >= 2 && Integer.valueOf(6).equals(san.get(0))) {
                    return String.valueOf(san.get(1));
                }
            }
            return null;
        } catch (java.security.cert.CertificateParsingException e) {
            return null;
        }
    }

    private static String sha256(X509Certificate cert) {
        try {
            return java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            return null;
        }
    }

    /** Waits for the handshake, then hands the connection to the chain's handlers. */
    private final class Handshake extends ChannelInboundHandlerAdapter {

        private final ListenerContext listener;
        private final FilterChainConfig chain;
        private final long localNotAfterMillis;

        Handshake(ListenerContext listener, FilterChainConfig chain, long localNotAfterMillis) {
            this.listener = listener;
            this.chain = chain;
            this.localNotAfterMillis = localNotAfterMillis;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            // Installed after detection, the channel is active already: start the handshake's reads.
            if (ctx.channel().isActive()) {
                ctx.read();
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
            // channelActive reaches the chain's handlers once they are installed, after the handshake.
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (!(evt instanceof SslHandshakeCompletionEvent done)) {
                ctx.fireUserEventTriggered(evt);
                return;
            }
            if (!done.isSuccess()) {
                listener.stats().localError("tls_handshake_failed");
                log.warn("listener '{}': TLS handshake with {} failed: {}", listener.config().name(),
                        ctx.channel().remoteAddress(), HandshakeFailures.reason(done.cause()));
                ctx.close();
                return;
            }
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            ctx.channel().attr(PeerCertificate.KEY).set(peerCertificate(tls));
            ctx.channel().attr(ServerName.KEY).set(ServerName.of(tls.engine().getSession()));
            String alpn = tls.applicationProtocol();
            DetectedProtocol inside = ApplicationProtocolNames.HTTP_2.equals(alpn) ? DetectedProtocol.HTTP2
                    : ApplicationProtocolNames.HTTP_1_1.equals(alpn) ? DetectedProtocol.HTTP1
                    : DetectedProtocol.UNDETECTED;
            scheduleRenewal(ctx.channel(), listener, tls, localNotAfterMillis);
            ChannelHandlerContext tlsContext = ctx.pipeline().context(tls);
            ctx.pipeline().remove(this);
            plain.install(ctx.channel(), listener, chain, inside);
            // As after protocol detection: the chain's handlers learn the connection is active now.
            tlsContext.fireChannelActive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The handshake event reports a failed handshake; anything else before it ends the connection too.
            log.debug("listener '{}': TLS connection failed", listener.config().name(), cause);
            ctx.close();
        }
    }

    /**
     * Before either certificate of this connection expires, drain it so the client reconnects
     * with fresh credentials: a connection must never outlive what authenticated it.
     */
    static void scheduleRenewal(Channel channel, ListenerContext listener, SslHandler tls, long localNotAfterMillis) {
        long delay = CertificateTimes.renewalDelayMillis(tls.engine().getSession(), System.currentTimeMillis(), false,
                localNotAfterMillis);
        if (delay == Long.MAX_VALUE) {
            return;
        }
        io.netty.util.concurrent.ScheduledFuture<?> renewal = channel.eventLoop().schedule(() -> {
            if (channel.isActive()) {
                log.info("listener '{}': draining a connection from {} before its certificate expires",
                        listener.config().name(), channel.remoteAddress());
                // A relay (TCP proxy, tunnel) closes on this event; HTTP drains gracefully.
                channel.pipeline().fireUserEventTriggered(dev.outrigger.sidecar.tls.CertificateExpiring.INSTANCE);
                listener.drainConnection(channel);
            }
        }, delay, java.util.concurrent.TimeUnit.MILLISECONDS);
        // A closed connection must not stay referenced by its timer for the rest of the certificate's life.
        channel.closeFuture().addListener(f -> renewal.cancel(false));
    }
}
