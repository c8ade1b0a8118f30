package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import dev.outrigger.sidecar.route.ForwardAction;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The headers a proxy itself owns: hop-by-hop removal, {@code x-forwarded-*} and {@code x-request-id}. */
final class ProxyHeaders {

    // AsciiString names hash once, not on every lookup.
    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_OUTRIGGER_ERROR = AsciiString.cached("x-outrigger-error");

    private ProxyHeaders() {
    }

    /**
     * Removes hop-by-hop headers (RFC 9110 7.6.1): those named in {@code Connection} and the
     * standard ones. {@code Transfer-Encoding} stays: the codec re-frames the body by it.
     * {@code TE: trailers} stays too, as gRPC needs it.
     */
    static void removeHopByHop(HttpHeaders headers) {
        Iterator<String> connection = headers.valueStringIterator(HttpHeaderNames.CONNECTION);
        if (connection.hasNext()) {
            String first = connection.next();
            if (!connection.hasNext()) {
                removeNamedIn(first, headers);
            } else {
                // Several Connection fields: copy them first, removal must not disturb the walk.
                for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
                    removeNamedIn(value, headers);
                }
            }
            headers.remove(HttpHeaderNames.CONNECTION);
        }
        headers.remove(HttpHeaderNames.KEEP_ALIVE);
        headers.remove(HttpHeaderNames.PROXY_CONNECTION);
        headers.remove(HttpHeaderNames.UPGRADE);
        String te = headers.get(HttpHeaderNames.TE);
        if (te != null && !te.trim().equalsIgnoreCase("trailers")) {
            headers.remove(HttpHeaderNames.TE);
        }
    }

    /**
     * Turns a downstream request into the one sent upstream: hop-by-hop headers out, forwarding
     * headers in, path and host rewritten, always HTTP/1.1 with a Host.
     */
    static void prepareUpstreamRequest(HttpRequest request, ForwardAction action, HttpConnectionManagerConfig hcm,
            String remoteIp, String scheme, String endpointHostPort) {
        HttpHeaders headers = request.headers();
        removeHopByHop(headers);
        addForwarded(headers, hcm, remoteIp, scheme);
        NettyRequestView view = new NettyRequestView(request);
        if (view.isAbsoluteForm()) {
            // RFC 9112 3.2.2: the target's authority replaces Host, as routing already assumed.
            headers.set(HttpHeaderNames.HOST, view.authority());
        } else if (!headers.contains(HttpHeaderNames.HOST)) {
            headers.set(HttpHeaderNames.HOST, endpointHostPort);
        }
        request.setUri(action.rewritePath(view.pathAndQuery()));
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (action.hostRewrite() != null) {
            headers.set(HttpHeaderNames.HOST, action.hostRewrite());
        }
    }

    /**
     * Turns an upstream response into the one sent downstream: hop-by-hop headers out; a body
     * without a length goes chunked to an HTTP/1.1 client, so its connection can live on, and
     * raw, ended by closing, to an HTTP/1.0 client.
     *
     * @return false if the client connection must close after this response
     */
    static boolean prepareDownstreamResponse(HttpResponse response, HttpMethod requestMethod, boolean http10Client) {
        HttpHeaders headers = response.headers();
        removeHopByHop(headers);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        int status = response.status().code();
        boolean mayHaveBody = status != 204 && status != 304 && !HttpMethod.HEAD.equals(requestMethod);
        if (!mayHaveBody || HttpUtil.isContentLengthSet(response)) {
            return true;
        }
        if (http10Client) {
            // HTTP/1.0 knows no chunks (RFC 9112 6.1): send the body raw and end it by closing.
            headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
            return false;
        }
        headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        return true;
    }

    /**
     * Removes the {@code x-http2-*} headers Netty adds when it turns HTTP/2 frames into HTTP/1
     * objects (stream id, scheme...): they describe one hop and must not travel on.
     */
    static void removeHttp2Extensions(HttpHeaders headers) {
        for (HttpConversionUtil.ExtensionHeaderNames name : HttpConversionUtil.ExtensionHeaderNames.values()) {
            headers.remove(name.text());
        }
    }

    /**
     * Removes the headers named in one {@code Connection} value (a comma-separated token list).
     * The usual tokens, {@code close}, {@code keep-alive} and {@code upgrade}, cost no allocation:
     * the headers they name are removed anyway.
     */
    private static void removeNamedIn(String value, HttpHeaders headers) {
        int n = value.length();
        int i = 0;
        while (i < n) {
            int comma = value.indexOf(',', i);
            int end = comma < 0 ? n : comma;
            int start = i;
            while (start < end && isOws(value.charAt(start))) {
                start++;
            }
            int stop = end;
            while (stop > start && isOws(value.charAt(stop - 1))) {
                stop--;
            }
            if (stop > start && !isAlwaysRemoved(value, start, stop - start)) {
                String name = value.substring(start, stop);
                if (!isEndToEndEssential(name)) {
                    headers.remove(name);
                }
            }
            i = end + 1;
        }
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** {@code close}, {@code keep-alive}, {@code upgrade}: tokens whose headers go in any case. */
    private static boolean isAlwaysRemoved(String value, int start, int length) {
        return length == 5 && value.regionMatches(true, start, "close", 0, 5)
                || length == 10 && value.regionMatches(true, start, "keep-alive", 0, 10)
                || length == 7 && value.regionMatches(true, start, "upgrade", 0, 7);
    }

    /**
     * Headers a peer may not make hop-by-hop by naming them in {@code Connection}: removing the
     * framing or the Host would let one request be read as two, or reach another host.
     */
    private static boolean isEndToEndEssential(String name) {
        return name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")
                || name.equalsIgnoreCase("host");
    }

    /** Sets {@code x-forwarded-for}, {@code x-forwarded-proto} and {@code x-request-id} on a request going upstream. */
    static void addForwarded(HttpHeaders headers, HttpConnectionManagerConfig hcm, String remoteIp, String scheme) {
        if (!hcm.skipXffAppend() && remoteIp != null) {
            String xff = headers.get(X_FORWARDED_FOR);
            headers.set(X_FORWARDED_FOR, xff == null || xff.isBlank() ? remoteIp : xff + ", " + remoteIp);
        }
        if (hcm.useRemoteAddress() || !headers.contains(X_FORWARDED_PROTO)) {
            headers.set(X_FORWARDED_PROTO, scheme);
        }
        boolean present = headers.contains(X_REQUEST_ID);
        boolean regenerate = hcm.useRemoteAddress() && !hcm.preserveExternalRequestId();
        if (hcm.generateRequestId() && (!present || regenerate)) {
            headers.set(X_REQUEST_ID, newRequestId());
        }
    }

    /** A random (version 4) UUID without touching SecureRandom's lock on the event loop. */
    static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        return new UUID(msb, lsb).toString();
    }

    /**
     * The {@code connection} header of a response on HTTP/1.x: {@code close} when the connection
     * will not be kept, {@code keep-alive} to an HTTP/1.0 client when it will. HTTP/2 has no
     * connection headers (RFC 9113 8.2.2): nothing then.
     */
    static void setConnection(io.netty.handler.codec.http.HttpHeaders headers, boolean http2, boolean keepAlive,
            boolean http10) {
        if (http2) {
            return;
        }
        if (!keepAlive) {
            headers.set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION,
                    io.netty.handler.codec.http.HttpHeaderValues.CLOSE);
        } else if (http10) {
            headers.set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION,
                    io.netty.handler.codec.http.HttpHeaderValues.KEEP_ALIVE);
        }
    }
}
