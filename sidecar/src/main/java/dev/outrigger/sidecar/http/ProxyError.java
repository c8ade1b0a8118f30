package dev.outrigger.sidecar.http;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * Why Outrigger answered a request itself instead of the upstream. The code is sent in the
 * {@code x-outrigger-error} header and used as the {@code reason} tag of the local-error metric;
 * the text is the short response body (or the {@code grpc-message} of a gRPC reply).
 */
public enum ProxyError {
    /** Outrigger failed while handling the request (a bug): answered rather than dropped. */
    INTERNAL_ERROR(500, "internal_error", "internal proxy error", 13),
    /** An HTTP filter's pending decision failed without a failure mode of its own. */
    FILTER_FAILED(500, "filter_failed", "an HTTP filter failed", 13),
    /** The request could not be parsed. */
    BAD_REQUEST(400, "bad_request", "malformed request", 13),
    /** The request has an {@code Expect} other than {@code 100-continue}. */
    EXPECTATION_FAILED(417, "expectation_failed", "unsupported expectation", 13),
    /** The request line was longer than allowed. */
    URI_TOO_LONG(414, "uri_too_long", "request line too long", 13),
    /** The request headers were larger than {@code max_request_headers_kb}. */
    HEADERS_TOO_LARGE(431, "request_headers_too_large", "request headers too large", 13),
    /** No virtual host or route matched. */
    NO_ROUTE(404, "no_route", "no route matched the request", 12),
    /** The route names a cluster that does not exist (status per {@code cluster_not_found_response_code}). */
    CLUSTER_NOT_FOUND(503, "cluster_not_found", "the route's cluster does not exist", 14),
    /** The cluster has no endpoint to send to. */
    NO_HEALTHY_UPSTREAM(503, "no_healthy_upstream", "no healthy upstream", 14),
    /** The TCP connection to the endpoint was refused or failed. */
    UPSTREAM_CONNECT_FAILURE(503, "upstream_connect_failure", "upstream connect error", 14),
    /** The TCP connection to the endpoint did not complete within {@code connect_timeout}. */
    UPSTREAM_CONNECT_TIMEOUT(503, "upstream_connect_timeout", "upstream connect timeout", 14),
    /** A connection or pending-request limit of the cluster was reached. */
    UPSTREAM_OVERFLOW(503, "upstream_overflow", "upstream connection limit reached", 14),
    /** The upstream closed the connection or reset the stream (503 if before the response started). */
    UPSTREAM_RESET(503, "upstream_reset", "upstream connection or stream reset", 14),
    /** The upstream sent something that is not a valid HTTP/1.1 response. */
    BAD_UPSTREAM_RESPONSE(502, "bad_upstream_response", "upstream sent a malformed response", 13),
    /** The route timeout, or a gRPC request's deadline, expired before the response ended. */
    UPSTREAM_TIMEOUT(504, "upstream_timeout", "upstream request timeout", 4),
    /** An upgrade (e.g. WebSocket) the route and connection manager do not allow. */
    UPGRADE_FAILED(403, "upgrade_failed", "upgrade not allowed on this route", 7),
    /** A gRPC request routed to a cluster that is spoken to in HTTP/1.1. */
    GRPC_NEEDS_HTTP2(502, "grpc_needs_http2", "gRPC needs an HTTP/2 upstream; this cluster speaks HTTP/1.1", 13);

    private final int status;
    private final String code;
    private final String text;
    private final int grpcStatus;

    ProxyError(int status, String code, String text, int grpcStatus) {
        this.status = status;
        this.code = code;
        this.text = text;
        this.grpcStatus = grpcStatus;
    }

    /**
     * The gRPC status a gRPC client gets instead of the HTTP status: 14 UNAVAILABLE for what a
     * retry elsewhere may fix, 4 DEADLINE_EXCEEDED, 12 UNIMPLEMENTED for no route, 13 INTERNAL.
     */
    public int grpcStatus() {
        return grpcStatus;
    }

    /** The error for a request the decoder could not parse. */
    static ProxyError ofDecoderFailure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            return HEADERS_TOO_LARGE;
        }
        return BAD_REQUEST;
    }

    /** The default HTTP status. */
    public int status() {
        return status;
    }

    /** The machine-readable code ({@code x-outrigger-error}). */
    public String code() {
        return code;
    }

    /** The short human-readable body. */
    public String text() {
        return text;
    }
}
