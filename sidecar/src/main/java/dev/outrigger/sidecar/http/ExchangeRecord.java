package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.metrics.ListenerStats;

/**
 * What an exchange reports about itself: that it started, the reason code of an error it
 * answered or ended with, and, when it ends, its status and duration. One per exchange, used on
 * its event loop.
 */
final class ExchangeRecord {

    private final ListenerStats stats;
    private final long startNanos = System.nanoTime();
    /** The {@code x-outrigger-error} code the exchange ended with, or null. */
    private String reason;

    /** Counts the request as started. */
    ExchangeRecord(ListenerStats stats) {
        this.stats = stats;
        stats.requestStarted();
    }

    /** The exchange answered or ended with the error {@code code}. */
    void error(String code) {
        reason = code;
        stats.localError(code);
    }

    /** The exchange ended with {@code status} (0: no response was sent). */
    void finished(int status) {
        stats.requestFinished(status, startNanos);
    }

    /** The error code the exchange ended with, or null. */
    String reason() {
        return reason;
    }
}
