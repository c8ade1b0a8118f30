package dev.outrigger.sidecar.downstream;

import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.tls.TlsContextSource;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
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

    /** The peer certificate's SPIFFE ID (its URI SAN), set on a connection once its handshake succeeded. */
    public static final AttributeKey<String> PEER_IDENTITY = AttributeKey.valueOf(TlsTerminator.class, "peerIdentity");
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
        SslContext context = contexts.apply(chain).current();
        if (context == null) {
            // Fail closed: no valid certificate (yet), no TLS, no plain-text fallback.
            listener.stats().localError("tls_no_credentials");
            log.warn("listener '{}': no valid TLS credentials for chain {}; connection closed",
                    listener.config().name(), chain.name().isEmpty() ? "(unnamed)" : chain.name());
            channel.close();
            return;
        }
        SslHandler tls = context.newHandler(channel.alloc());
        tls.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
        channel.pipeline().addLast("tls", tls);
        channel.pipeline().addLast("tls-handshake", new Handshake(listener, chain));
    }

    /** The peer's URI SAN from its leaf certificate, or null. */
    static String uriSan(SslHandler tls) {
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return null;
            }
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans == null) {
                return null;
            }
            for (List<?> san : sans) {
                if (san.size() >= 2 && Integer.valueOf(6).equals(san.get(0))) {
                    return String.valueOf(san.get(1));
                }
            }
            return null;
        } catch (SSLPeerUnverifiedException e) {
            return null; // no client certificate: allowed when the chain does not require one
        } catch (java.security.cert.CertificateParsingException e) {
            return null;
        }
    }

    /** Waits for the handshake, then hands the connection to the chain's handlers. */
    private final class Handshake extends ChannelInboundHandlerAdapter {

        private final ListenerContext listener;
        private final FilterChainConfig chain;

        Handshake(ListenerContext listener, FilterChainConfig chain) {
            this.listener = listener;
            this.chain = chain;
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
                        ctx.channel().remoteAddress(), reason(done.cause()));
                ctx.close();
                return;
            }
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            String peer = uriSan(tls);
            if (peer != null) {
                ctx.channel().attr(PEER_IDENTITY).set(peer);
            }
            String alpn = tls.applicationProtocol();
            DetectedProtocol inside = ApplicationProtocolNames.HTTP_2.equals(alpn) ? DetectedProtocol.HTTP2
                    : ApplicationProtocolNames.HTTP_1_1.equals(alpn) ? DetectedProtocol.HTTP1
                    : DetectedProtocol.UNDETECTED;
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

    /** The most specific message in {@code cause}'s chain: the trust manager's reason, not the wrapper's. */
    static String reason(Throwable cause) {
        String message = String.valueOf(cause);
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }
}
