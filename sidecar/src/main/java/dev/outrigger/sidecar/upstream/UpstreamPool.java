package dev.outrigger.sidecar.upstream;

/** Hands out {@link UpstreamStream}s to one endpoint on one event loop. */
public interface UpstreamPool {

    /**
     * Gets {@code exchange} a stream: now, once a connection is made, or once one frees up;
     * otherwise fails it through {@link UpstreamExchange#onUpstreamFailure}.
     */
    void acquire(UpstreamExchange exchange);

    /** Withdraws a waiting exchange (its client left or it timed out). */
    void cancel(UpstreamExchange exchange);

    /** Whether the streams of this pool are HTTP/2. */
    boolean isHttp2();
}
