package dev.outrigger.sidecar.route;

/**
 * Values a header template may substitute, known to the data path for one request.
 *
 * @param downstreamRemoteAddress the caller's address as {@code ip:port}
 * @param downstreamLocalAddress the address the caller connected to, as {@code ip:port}
 * @param protocol the downstream protocol, e.g. {@code HTTP/1.1}
 * @param upstreamRemoteAddress the chosen upstream endpoint as {@code ip:port}, or null when not known yet
 */
public record HeaderContext(
        String downstreamRemoteAddress,
        String downstreamLocalAddress,
        String protocol,
        String upstreamRemoteAddress) {
}
