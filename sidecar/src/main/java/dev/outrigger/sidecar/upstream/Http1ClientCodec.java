package dev.outrigger.sidecar.upstream;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;

/**
 * The HTTP/1.1 client codec of an upstream connection: Netty's request encoder and response
 * decoder as two plain pipeline handlers. Netty's {@code HttpClientCodec} wraps the same two in
 * a combined handler that adds a delegation hop to every read, write and flush, and keeps a
 * queue of request methods for pipelining; a connection here carries one request at a time, so
 * the method of the request in flight is a field, set as the request is written.
 */
final class Http1ClientCodec {

    static final String ENCODER_NAME = "http1-request-encoder";

    private Http1ClientCodec() {
    }

    /** Adds the encoder and decoder to {@code pipeline}. */
    static void install(ChannelPipeline pipeline) {
        pipeline.addLast(ResponseDecoder.NAME, new ResponseDecoder());
        pipeline.addLast(ENCODER_NAME, new HttpRequestEncoder());
    }

    /** Takes both out of {@code pipeline}: bytes the decoder held go on to the next handler. */
    static void remove(ChannelPipeline pipeline) {
        pipeline.remove(ENCODER_NAME);
        pipeline.remove(ResponseDecoder.NAME);
    }

    /** Decodes responses, knowing which carry no body because of the request they answer. */
    static final class ResponseDecoder extends HttpResponseDecoder {

        static final String NAME = "http1-response-decoder";

        private boolean headRequest;

        ResponseDecoder() {
            super(new HttpDecoderConfig());
        }

        /** Records the method of the request being sent; its response is the next one decoded. */
        void requestSent(HttpMethod method) {
            headRequest = HttpMethod.HEAD.equals(method);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            // A response to HEAD has no body whatever its headers say (RFC 9110, 9.3.2); an
            // interim 1xx, 204 and 304 never have one (the superclass).
            return headRequest && ((HttpResponse) msg).status().code() >= 200 || super.isContentAlwaysEmpty(msg);
        }
    }
}
