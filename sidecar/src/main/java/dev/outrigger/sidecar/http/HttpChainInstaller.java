package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.downstream.ChainInstaller;
import dev.outrigger.sidecar.downstream.DetectedProtocol;
import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/** Builds the pipeline of a connection served by an HTTP connection manager. */
public final class HttpChainInstaller implements ChainInstaller {

    /** Longest request line accepted (longer gets 414). */
    static final int MAX_INITIAL_LINE_LENGTH = 16 * 1024;
    /** Largest body piece the decoder hands on at once; bodies stream in pieces of at most this. */
    static final int MAX_CHUNK_SIZE = 64 * 1024;

    @Override
    public void install(Channel channel, ListenerContext listener, FilterChainConfig chain, DetectedProtocol protocol) {
        HttpConnectionManagerConfig hcm = chain.http();
        ChannelPipeline p = channel.pipeline();
        addHttp1Codec(p, hcm);
        p.addLast("http-proxy", new Http1ServerHandler(listener, hcm));
    }

    static void addHttp1Codec(ChannelPipeline p, HttpConnectionManagerConfig hcm) {
        p.addLast("http-codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(hcm.maxRequestHeadersBytes())
                .setMaxChunkSize(MAX_CHUNK_SIZE)));
    }
}
