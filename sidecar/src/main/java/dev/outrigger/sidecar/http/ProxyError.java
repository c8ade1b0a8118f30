package dev.outrigger.sidecar.http;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * Why Outrigger answered a request itself instead of the upstream. The code is sent in the
 * {@code x-outrigger-error} header and used as the {@code reason} tag of the local-error metric;
 * the text is the short response body.
 */
public enum ProxyError {
    /** The request could not be parsed. */
    BAD_REQUEST(400, "bad_request", "malformed request"),
    /** The request has an {@code Expect} other than {@code 100-continue}. */
    EXPECTATION_FAILED(417, "expectation_failed", "unsupported expectation"),
    /** The request line was longer than allowed. */
    URI_TOO_LONG(414, "uri_too_long", "request line too long"),
    /** The request headers were larger than {@code max_request_headers_kb}. */
    HEADERS_TOO_LARGE(431, "request_headers_too_large", "request headers too large"),
    /** No virtual host or route matched. */
    NO_ROUTE(404, "no_route", "no route matched the request"),
    /** The route names a cluster that does not exist (status per {@code cluster_not_found_response_code}). */
    CLUSTER_NOT_FOUND(503, "cluster_not_found", "the route's cluster does not exist"),
    /** The cluster has no endpoint to send to. */
    NO_HEALTHY_UPSTREAM(503, "no_healthy_upstream", "no healthy upstream"),
    /** The TCP connection to the endpoint was refused or failed. */
    UPSTREAM_CONNECT_FAILURE(503, "upstream_connect_failure", "upstream connect error"),
    /** The TCP connection to the endpoint did not complete within {@code connect_timeout}. */
    UPSTREAM_CONNECT_TIMEOUT(503, "upstream_connect_timeout", "upstream connect timeout"),
    /** A connection or pending-request limit of the cluster was reached. */
    UPSTREAM_OVERFLOW(503, "upstream_overflow", "upstream connection limit reached"),
    /** The upstream closed or reset the connection before the response started. */
    UPSTREAM_RESET(503, "upstream_reset", "upstream reset before response started"),
    /** The upstream sent something that is not a valid HTTP/1.1 response. */
    BAD_UPSTREAM_RESPONSE(502, "bad_upstream_response", "upstream sent a malformed response"),
    /** The route timeout expired before the response started. */
    UPSTREAM_TIMEOUT(504, "upstream_timeout", "upstream request timeout");

    private final int status;
    private final String code;
    private final String text;

    ProxyError(int status, String code, String text) {
        this.status = status;
        this.code = code;
        this.text = text;
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
