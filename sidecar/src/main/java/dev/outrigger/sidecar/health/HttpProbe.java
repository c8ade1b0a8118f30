package dev.outrigger.sidecar.health;

import dev.outrigger.sidecar.cluster.HealthCheckConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * The HTTP/1.1 probe: {@code GET path} with the configured Host; decided on the response status
 * (the body is not read). An expected status passes; a retriable one fails toward the threshold;
 * any other status takes the endpoint out at once, as Envoy does.
 */
final class HttpProbe {

    /** The User-Agent of health check requests. */
    static final String USER_AGENT = "Outrigger/HC";

    private HttpProbe() {
    }

    static void addHandlers(Channel ch, HealthCheckConfig.Http http, String clusterName, ProbeOutcome outcome) {
        ch.pipeline().addLast("hc-http-codec", new HttpClientCodec());
        ch.pipeline().addLast("hc-http", new Handler(http, clusterName, outcome));
    }

    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final HealthCheckConfig.Http http;
        private final String host;
        private final ProbeOutcome outcome;

        Handler(HealthCheckConfig.Http http, String clusterName, ProbeOutcome outcome) {
            this.http = http;
            this.host = http.host().isEmpty() ? clusterName : http.host();
            this.outcome = outcome;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, http.path());
            request.headers().set(HttpHeaderNames.HOST, host);
            request.headers().set(HttpHeaderNames.USER_AGENT, USER_AGENT);
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            for (int i = 0; i < http.headers().size(); i += 2) {
                request.headers().add(http.headers().get(i), http.headers().get(i + 1));
            }
            ctx.writeAndFlush(request);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse response) {
                    if (response.decoderResult().isFailure()) {
                        outcome.fail("malformed response: " + Probes.describe(response.decoderResult().cause()), false);
                        return;
                    }
                    int status = response.status().code();
                    if (http.expected(status)) {
                        outcome.succeed();
                    } else {
                        outcome.fail("HTTP status " + status, !http.retriable(status));
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
