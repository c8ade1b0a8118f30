package dev.outrigger.sidecar.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;

/**
 * The HTTP/1.1 server codec of a downstream connection: Netty's request decoder and response
 * encoder as two plain pipeline handlers. Netty's {@code HttpServerCodec} wraps the same two in a
 * combined handler that adds a delegation hop to every read, write and flush, and queues the
 * method of every decoded request to match responses to them. {@link Http1ServerHandler} answers
 * one request at a time, so it tells the encoder which request the next response answers
 * ({@link #answering}). It is also the source codec the {@code h2c} upgrade handler removes.
 */
final class Http1ServerCodec implements HttpServerUpgradeHandler.SourceCodec {

    static final String DECODER = "http-decoder";
    static final String ENCODER = "http-encoder";

    private final HttpRequestDecoder decoder;
    private final ResponseEncoder encoder = new ResponseEncoder();

    Http1ServerCodec(HttpDecoderConfig config) {
        // A request with both a chunked Transfer-Encoding and a Content-Length fails to decode
        // (Netty's default, RFC 9112 6.3) and is answered 400, and the connection closes.
        this.decoder = new HttpRequestDecoder(config);
    }

    /** Adds decoder and encoder after the handler named {@code base}, or last when it is null; returns the name of the last one. */
    String addAfter(ChannelPipeline pipeline, String base) {
        if (base == null) {
            pipeline.addLast(DECODER, decoder);
        } else {
            pipeline.addAfter(base, DECODER, decoder);
        }
        pipeline.addAfter(DECODER, ENCODER, encoder);
        return ENCODER;
    }

    /** Takes both handlers out of {@code pipeline}; bytes the decoder held go on to the next handler. */
    static void remove(ChannelPipeline pipeline) {
        pipeline.remove(ENCODER);
        pipeline.remove(DECODER);
    }

    @Override
    public void upgradeFrom(ChannelHandlerContext ctx) {
        remove(ctx.pipeline());
    }

    /** The encoder of {@code pipeline}'s codec. */
    static ResponseEncoder encoderOf(ChannelPipeline pipeline) {
        return (ResponseEncoder) pipeline.get(ENCODER);
    }

    /** Encodes responses, knowing which carry no body because of the request they answer. */
    static final class ResponseEncoder extends HttpResponseEncoder {

        private boolean headRequest;

        /** The responses written next answer a request with {@code method}. */
        void answering(HttpMethod method) {
            headRequest = HttpMethod.HEAD.equals(method);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            // A response to HEAD never has a body (RFC 9110, 9.3.2), whatever its headers say;
            // 1xx, 204 and 304 never do either (the superclass).
            return headRequest && msg.status().code() >= 200 || super.isContentAlwaysEmpty(msg);
        }
    }
}
