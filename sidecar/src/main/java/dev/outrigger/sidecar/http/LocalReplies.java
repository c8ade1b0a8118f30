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
}
