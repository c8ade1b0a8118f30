package dev.outrigger.sidecar.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.util.Iterator;

/** What makes a request unfit to route, decided before routing; a pure function of the request. */
final class RequestChecks {

    private RequestChecks() {
    }

    /**
     * The error to answer {@code request} with, or null if it may be routed. An HTTP/1.0
     * request's {@code Expect} is removed on the way (RFC 9110 10.1.1: it is ignored).
     */
    static ProxyError problem(HttpRequest request, boolean http10) {
        if (request.decoderResult().isFailure()) {
            return ProxyError.ofDecoderFailure(request.decoderResult().cause());
        }
        Iterator<? extends CharSequence> host = request.headers().valueCharSequenceIterator(HttpHeaderNames.HOST);
        boolean none = !host.hasNext();
        boolean several = !none && host.next() != null && host.hasNext();
        if (several || (none && !http10)) {
            // RFC 9112 3.2: exactly one Host; two could route here and be read differently upstream.
            return ProxyError.BAD_REQUEST;
        }
        if (http10) {
            request.headers().remove(HttpHeaderNames.EXPECT);
        } else if (request.headers().contains(HttpHeaderNames.EXPECT) && !HttpUtil.is100ContinueExpected(request)) {
            return ProxyError.EXPECTATION_FAILED;
        }
        return null;
    }

    /** Largest unread request body that is read and dropped after a local reply, to keep the connection. */
    static final long MAX_DISCARDED_BODY = 64 * 1024;

    /** Whether the request's body is known and small enough to read and drop after a local reply. */
    static boolean smallBody(io.netty.handler.codec.http.HttpRequest request) {
        return !io.netty.handler.codec.http.HttpUtil.isTransferEncodingChunked(request)
                && io.netty.handler.codec.http.HttpUtil.getContentLength(request, 0L) <= MAX_DISCARDED_BODY;
    }
}
