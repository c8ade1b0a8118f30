package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.metrics.ListenerStats;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * What an exchange reports about itself: that it started, the reason code of an error it
 * answered or ended with, and, when it ends, its status and duration, to the listener's meters
 * and, when its connection manager has any, to its access logs ({@link ExchangeLog}). One per
 * exchange, used on its event loop. Without access logs the access log methods do nothing.
 */
final class ExchangeRecord {

    private final ListenerStats stats;
    private final long startNanos = System.nanoTime();
    /** Null when the connection manager has no access log. */
    private final ExchangeLog log;
    /** The {@code x-outrigger-error} code the exchange ended with, or null. */
    private String reason;
    /** The cluster whose request slot this exchange holds, or null. */
    private dev.outrigger.sidecar.upstream.UpstreamCluster slot;

    /** Counts the request as started. */
    ExchangeRecord(ListenerStats stats, ExchangeLog log) {
        this.stats = stats;
        this.log = log;
        stats.requestStarted();
    }

    /** The exchange answered or ended with the error {@code code}. */
    void error(String code) {
        reason = code;
        stats.localError(code);
    }

    /** {@code bytes} of request body arrived. */
    void requestBody(int bytes) {
        if (log != null) {
            log.requestBody(bytes);
        }
    }

    /** {@code bytes} of response body went downstream. */
    void responseBody(int bytes) {
        if (log != null) {
            log.responseBody(bytes);
        }
    }

    /** The response head sent downstream has {@code headers}. */
    void responseHeaders(HttpHeaders headers) {
        if (log != null) {
            log.responseHeaders(headers);
        }
    }

    /** The request goes to {@code cluster}, to the endpoint {@code hostPort} (null when none was found). */
    void routedTo(String cluster, String hostPort) {
        if (log != null) {
            log.routedTo(cluster, hostPort);
        }
    }

    /** The exchange holds one of {@code cluster}'s {@code max_requests} slots until it finishes. */
    void holdsRequestSlot(dev.outrigger.sidecar.upstream.UpstreamCluster cluster) {
        slot = cluster;
    }

    /** The exchange ended with {@code status} (0: no response was sent). */
    void finished(int status) {
        if (slot != null) {
            slot.releaseRequestSlot();
            slot = null;
        }
        // Logged first: once the request no longer counts as active, its line is queued.
        if (log != null) {
            log.write(status, reason, System.nanoTime() - startNanos);
        }
        stats.requestFinished(status, startNanos);
    }

    /** The error code the exchange ended with, or null. */
    String reason() {
        return reason;
    }
}
