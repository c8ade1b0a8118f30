package dev.outrigger.xds.client;

import java.time.Duration;

/**
 * Hears what the stream does, for metrics and logs. Runs on the client's serial executor; keep
 * it cheap. Every method has an empty default.
 */
public interface XdsEventListener {

    /** The stream's state changed. */
    default void onStreamState(StreamState state) {
    }

    /** The stream failed or ended; a new one is tried after {@code delay}. */
    default void onReconnectScheduled(Duration delay, String reason) {
    }

    /**
     * A response of {@code typeUrl} was handled: {@code accepted} resources applied, {@code rejected}
     * refused, and ACKed when {@code rejected} is 0, NACKed otherwise.
     */
    default void onResponse(String typeUrl, int accepted, int rejected, int removed) {
    }

    /** The state of an xDS stream. */
    enum StreamState {
        /** Not started, or closed for good. */
        IDLE,
        /** A stream is being opened, or is open and waits for its first response. */
        CONNECTING,
        /** The stream has received at least one response. */
        CONNECTED,
        /** The stream failed; waiting before trying again. */
        BACKOFF
    }
}
