package dev.outrigger.sidecar.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/** The pipeline of a downstream HTTP/1.1 connection, assembled in named steps. */
public final class Http1ChannelInitializer extends ChannelInitializer<Channel> {

    /** Longest request line accepted (longer gets 414). */
    static final int MAX_INITIAL_LINE_LENGTH = 16 * 1024;
    /** Largest body piece the decoder hands on at once; bodies stream in pieces of at most this. */
    static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final ListenerContext listener;

    /** Pipelines for connections of {@code listener}. */
    public Http1ChannelInitializer(ListenerContext listener) {
        this.listener = listener;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        addHttpCodec(p);
        addProxy(p);
    }

    private void addHttpCodec(ChannelPipeline p) {
        p.addLast("http-codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(listener.http().maxRequestHeadersBytes())
                .setMaxChunkSize(MAX_CHUNK_SIZE)));
    }

    private void addProxy(ChannelPipeline p) {
        p.addLast("http-proxy", new Http1ServerHandler(listener));
    }
}
