package dev.outrigger.sidecar.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Responses Outrigger writes itself: errors, direct responses and redirects. */
final class LocalReplies {

    private LocalReplies() {
    }

    /**
     * The answer to {@code error}: a gRPC trailers-only response to a gRPC client, else an error
     * page; {@code status} 0 means the error's own status.
     */
    static FullHttpResponse error(ByteBufAllocator alloc, boolean grpc, ProxyError error, int status,
            String serverName) {
        return grpc ? Grpc.errorResponse(error, serverName)
                : error(alloc, status == 0 ? error.status() : status, error, serverName);
    }

    /** An HTTP filter's answer, in gRPC's terms to a gRPC client, with the filter's headers. */
    static FullHttpResponse filterReply(ByteBufAllocator alloc, boolean grpc,
            dev.outrigger.sidecar.filter.FilterResult.Reply reply, String serverName) {
        FullHttpResponse r = grpc
                ? Grpc.errorResponse(reply.grpcStatus(), reply.code(), reply.text(), serverName)
                : error(alloc, reply.status(), reply.code(), reply.text(), serverName);
        for (var h : reply.headers()) {
            r.headers().add(h.getKey(), h.getValue());
        }
        return r;
    }

    /** An error response: short text body and {@code x-outrigger-error}. */
    static FullHttpResponse error(ByteBufAllocator alloc, int status, ProxyError error, String serverName) {
        return error(alloc, status, error.code(), error.text(), serverName);
    }

    /** An error response with the reason {@code code} and the short text {@code text}. */
    static FullHttpResponse error(ByteBufAllocator alloc, int status, String code, String text, String serverName) {
        FullHttpResponse r = text(alloc, status, text + "\n", serverName);
        r.headers().set(ProxyHeaders.X_OUTRIGGER_ERROR, code);
        return r;
    }

    /** A response with a text body (or none when {@code body} is null). */
    static FullHttpResponse text(ByteBufAllocator alloc, int status, String body, String serverName) {
        ByteBuf content = body == null || body.isEmpty() ? Unpooled.EMPTY_BUFFER : ByteBufUtil.writeUtf8(alloc, body);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content);
        if (content.isReadable()) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8");
        }
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        r.headers().set(HttpHeaderNames.SERVER, serverName);
        return r;
    }

    /** {@code 100 Continue}, sent when Outrigger answers a client's {@code expect: 100-continue}. */
    static FullHttpResponse continue100() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER);
    }
}
