package dev.outrigger.sidecar.upstream;

import dev.outrigger.sidecar.tls.CertificateTimes;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits behind the TLS handler of a connection to an endpoint: logs a failed handshake with its
 * reason, and before either certificate expires tells the connection handler
 * ({@link dev.outrigger.sidecar.tls.CertificateExpiring}) to take no new request and close once idle, so the pool opens a fresh one.
 */
final class UpstreamTlsRenewal extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(UpstreamTlsRenewal.class);

    private final String cluster;
    private final String endpoint;
    private final long localNotAfterMillis;

    UpstreamTlsRenewal(String cluster, String endpoint, long localNotAfterMillis) {
        this.cluster = cluster;
        this.endpoint = endpoint;
        this.localNotAfterMillis = localNotAfterMillis;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                log.warn("cluster '{}': TLS handshake with {} failed: {}", cluster, endpoint,
                        dev.outrigger.mtls.HandshakeFailures.reason(done.cause()));
            } else {
                SslHandler tls = ctx.pipeline().get(SslHandler.class);
                long delay = CertificateTimes.renewalDelayMillis(tls.engine().getSession(), System.currentTimeMillis(), true,
                        localNotAfterMillis);
                if (delay != Long.MAX_VALUE) {
                    io.netty.util.concurrent.ScheduledFuture<?> renewal = ctx.executor().schedule(() -> {
                        if (ctx.channel().isActive()) {
                            log.debug("cluster '{}': replacing a connection to {} before its certificate expires",
                                    cluster, endpoint);
                            ctx.fireUserEventTriggered(dev.outrigger.sidecar.tls.CertificateExpiring.INSTANCE);
                        }
                    }, delay, TimeUnit.MILLISECONDS);
                    ctx.channel().closeFuture().addListener(f -> renewal.cancel(false));
                }
            }
        }
        ctx.fireUserEventTriggered(evt);
    }
}
