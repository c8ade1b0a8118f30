package dev.outrigger.sidecar.snapshot;

/**
 * HTTP/2 settings Outrigger advertises (Envoy's {@code Http2ProtocolOptions}, the subset it
 * implements), for a listener's clients or a cluster's endpoints.
 *
 * @param maxConcurrentStreams {@code max_concurrent_streams}: streams the peer may open at once
 * @param initialStreamWindowSize {@code initial_stream_window_size}: bytes a peer may send on a
 *     stream before it must wait for Outrigger to read them; this bounds memory per stream
 * @param initialConnectionWindowSize {@code initial_connection_window_size}: the same for the
 *     whole connection
 */
public record Http2Settings(int maxConcurrentStreams, int initialStreamWindowSize, int initialConnectionWindowSize) {

    /**
     * Outrigger's defaults: Envoy's recommended values for untrusted peers (64 KiB per stream,
     * 1 MiB per connection), not Envoy's 256 MiB defaults, so that a slow reader on the other
     * side holds back its own stream instead of filling the proxy's memory.
     */
    public static final Http2Settings DEFAULTS = new Http2Settings(1024, 65_536, 1_048_576);
}
