package dev.outrigger.sidecar.server;

/** Where the process is in its life; {@code /ready} answers 200 only while {@link #LIVE}. */
public enum Lifecycle {
    /** Starting: configuration loading, listeners binding. */
    INITIALIZING,
    /** Serving. */
    LIVE,
    /** Draining: no new connections, in-flight requests finishing. */
    DRAINING,
    /** Stopped. */
    STOPPED
}
