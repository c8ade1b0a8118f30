package dev.outrigger.sidecar.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What the proxy needs to know of gRPC: recognising a call, reading its {@code grpc-timeout},
 * and answering in gRPC's own terms (status in {@code grpc-status}, HTTP 200) instead of an
 * HTTP error page a gRPC client cannot read.
 */
final class Grpc {

    static final String CONTENT_TYPE = "application/grpc";
    static final String GRPC_STATUS = "grpc-status";
    static final String GRPC_MESSAGE = "grpc-message";
    static final String GRPC_TIMEOUT = "grpc-timeout";
    /** A {@code grpc-timeout} longer than this is no deadline at all (and would overflow a timer). */
    static final Duration LONGEST_DEADLINE = Duration.ofDays(365);

    private Grpc() {
    }

    /** Whether the request is a gRPC call ({@code content-type: application/grpc[+proto|...]}). */
    static boolean isGrpc(HttpRequest request) {
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, CONTENT_TYPE, 0, CONTENT_TYPE.length())
                && (type.length() == CONTENT_TYPE.length() || type.charAt(CONTENT_TYPE.length()) == '+'
                        || type.charAt(CONTENT_TYPE.length()) == ';');
    }

    /**
     * The call's deadline from {@code grpc-timeout} (1 to 8 digits and a unit: H M S m u n), or
     * null when absent or malformed (a malformed one is ignored, as gRPC servers do).
     */
    static Duration timeout(HttpHeaders headers) {
        String v = headers.get(GRPC_TIMEOUT);
        if (v == null || v.length() < 2 || v.length() > 9) {
            return null;
        }
        long amount = 0;
        for (int i = 0; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            amount = amount * 10 + (c - '0');
        }
        Duration d = switch (v.charAt(v.length() - 1)) {
            case 'H' -> Duration.ofHours(amount);
            case 'M' -> Duration.ofMinutes(amount);
            case 'S' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMillis(amount);
            case 'u' -> Duration.ofNanos(amount * 1_000);
            case 'n' -> Duration.ofNanos(amount);
            default -> null;
        };
        // Eight digits of hours is over 11,000 years: more than a timer can hold, and no deadline.
        return d == null || d.compareTo(LONGEST_DEADLINE) > 0 ? null : d;
    }

    /**
     * A trailers-only gRPC response: HTTP 200, {@code grpc-status} and {@code grpc-message} in
     * the headers, no body. Over HTTP/2 it is a single HEADERS frame that ends the stream.
     */
    static FullHttpResponse errorResponse(ProxyError error, String serverName) {
        return errorResponse(error.grpcStatus(), error.code(), error.text(), serverName);
    }

    /** A trailers-only gRPC response with {@code grpcStatus}, {@code text} and the reason {@code code}. */
    static FullHttpResponse errorResponse(int grpcStatus, String code, String text, String serverName) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.EMPTY_BUFFER);
        HttpHeaders h = r.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        h.setInt(GRPC_STATUS, grpcStatus);
        h.set(GRPC_MESSAGE, percentEncode(text));
        h.set(ProxyHeaders.X_OUTRIGGER_ERROR, code);
        h.set(HttpHeaderNames.SERVER, serverName);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return r;
    }

    /** Trailers that end a gRPC response already under way with {@code error}'s status. */
    static LastHttpContent errorTrailers(ProxyError error) {
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        last.trailingHeaders().setInt(GRPC_STATUS, error.grpcStatus());
        last.trailingHeaders().set(GRPC_MESSAGE, percentEncode(error.text()));
        last.trailingHeaders().set(ProxyHeaders.X_OUTRIGGER_ERROR, error.code());
        return last;
    }

    /** gRPC's percent-encoding of {@code grpc-message}: printable ASCII but '%' stays, the rest is %XX of UTF-8. */
    static String percentEncode(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 0x20 && c <= 0x7e && c != '%') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    /**
     * The HTTP status a {@code grpc-status} value stands for, as Envoy maps it for outlier
     * detection ({@code grpcToHttpStatus}); {@code otherwise} when the value is absent or unknown.
     */
    static int outlierStatus(String grpcStatus, int otherwise) {
        if (grpcStatus == null || grpcStatus.isEmpty() || grpcStatus.length() > 2) {
            return otherwise;
        }
        int code = 0;
        for (int i = 0; i < grpcStatus.length(); i++) {
            char c = grpcStatus.charAt(i);
            if (c < '0' || c > '9') {
                return otherwise;
            }
            code = code * 10 + (c - '0');
        }
        return switch (code) {
            case 0 -> 200;
            case 1 -> 499;
            case 3, 9, 11 -> 400;
            case 4 -> 504;
            case 5 -> 404;
            case 6, 10 -> 409;
            case 7 -> 403;
            case 8 -> 429;
            case 12 -> 501;
            case 14 -> 503;
            case 16 -> 401;
            case 2, 13, 15 -> 500;
            default -> otherwise;
        };
    }
}
