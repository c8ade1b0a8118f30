package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.downstream.ChainInstaller;
import dev.outrigger.sidecar.downstream.DetectedProtocol;
import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import dev.outrigger.sidecar.transport.Http2Codecs;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;

/**
 * Builds the pipeline of a connection served by an HTTP connection manager, by version:
 * HTTP/1.1 (codec + connection handler), HTTP/2 (frame codec + one child channel per stream),
 * or, for {@code codec_type: AUTO} when nothing was detected yet, a handler that tells them
 * apart by the HTTP/2 preface and also accepts {@code Upgrade: h2c}.
 */
public final class HttpChainInstaller implements ChainInstaller {

    /** Longest request line accepted (longer gets 414). */
    static final int MAX_INITIAL_LINE_LENGTH = 16 * 1024;
    /** Largest body piece the decoder hands on at once; bodies stream in pieces of at most this. */
    static final int MAX_CHUNK_SIZE = 64 * 1024;
    /** Largest request body carried by an {@code Upgrade: h2c} request (it is buffered to become stream 1). */
    static final int MAX_UPGRADE_BODY = 64 * 1024;

    @Override
    public void install(Channel channel, ListenerContext listener, FilterChainConfig chain, DetectedProtocol protocol) {
        HttpConnectionManagerConfig hcm = chain.http();
        ChannelPipeline p = channel.pipeline();
        HttpConnectionManagerConfig.Codec codec = hcm.codec();
        // A declared codec_type wins over what detection saw: an HTTP1 chain answers an HTTP/2
        // preface with 400, as Envoy's HTTP/1 codec would.
        if (codec == HttpConnectionManagerConfig.Codec.HTTP2
                || (codec == HttpConnectionManagerConfig.Codec.AUTO && protocol == DetectedProtocol.HTTP2)) {
            for (ChannelHandler h : http2Handlers(listener, hcm)) {
                p.addLast(h);
            }
        } else if (codec == HttpConnectionManagerConfig.Codec.HTTP1 || protocol == DetectedProtocol.HTTP1) {
            Http1ServerCodec http1 = http1Codec(hcm);
            http1.addAfter(p, null);
            if (codec == HttpConnectionManagerConfig.Codec.AUTO) {
                p.addLast("h2c-upgrade", h2cUpgradeHandler(http1, listener, hcm));
            }
            p.addLast("http-proxy", new Http1ServerHandler(listener, hcm));
        } else {
            p.addLast("h1-or-h2", new Http2PrefaceSniffer(listener, hcm));
        }
    }

    /** HTTP/1.1 handlers after {@code base}, with {@code Upgrade: h2c} honoured when {@code allowH2cUpgrade}. */
    static void addHttp1After(ChannelPipeline p, String base, ListenerContext listener, HttpConnectionManagerConfig hcm,
            boolean allowH2cUpgrade) {
        Http1ServerCodec http1 = http1Codec(hcm);
        String previous = http1.addAfter(p, base);
        if (allowH2cUpgrade) {
            p.addAfter(previous, "h2c-upgrade", h2cUpgradeHandler(http1, listener, hcm));
            previous = "h2c-upgrade";
        }
        p.addAfter(previous, "http-proxy", new Http1ServerHandler(listener, hcm));
    }

    /** HTTP/2 handlers after {@code base}, in order: each finds the ones before it when it is added. */
    static void addHttp2After(ChannelPipeline p, String base, ListenerContext listener, HttpConnectionManagerConfig hcm) {
        String previous = base;
        int i = 0;
        for (ChannelHandler h : http2Handlers(listener, hcm)) {
            String name = "h2-" + i++;
            p.addAfter(previous, name, h);
            previous = name;
        }
    }

    private static HttpServerUpgradeHandler h2cUpgradeHandler(Http1ServerCodec codec, ListenerContext listener,
            HttpConnectionManagerConfig hcm) {
        return new HttpServerUpgradeHandler(codec, protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? http2UpgradeCodec(listener, hcm) : null,
                MAX_UPGRADE_BODY);
    }

    private static Http2ServerUpgradeCodec http2UpgradeCodec(ListenerContext listener, HttpConnectionManagerConfig hcm) {
        ChannelHandler[] handlers = http2Handlers(listener, hcm);
        return new Http2ServerUpgradeCodec((Http2FrameCodec) handlers[0], handlers[1], handlers[2]);
    }

    /** Frame codec, stream multiplexer, connection handler: fresh instances for one connection. */
    private static ChannelHandler[] http2Handlers(ListenerContext listener, HttpConnectionManagerConfig hcm) {
        Http2FrameCodec codec = Http2Codecs.frameCodec(true, hcm.http2(), hcm.maxRequestHeadersBytes());
        Http2ServerConnection connection = new Http2ServerConnection(listener, hcm);
        Http2MultiplexHandler streams = new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.config().setAutoRead(false);
                ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new Http2StreamServerHandler(connection));
            }
        });
        return new ChannelHandler[] {codec, streams, connection};
    }

    private static Http1ServerCodec http1Codec(HttpConnectionManagerConfig hcm) {
        return new Http1ServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(hcm.maxRequestHeadersBytes())
                .setMaxChunkSize(MAX_CHUNK_SIZE));
    }
}
