package dev.outrigger.sidecar.listener;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Envoy's {@code filter_chain_match}, the subset Outrigger implements: which destination port,
 * transport protocol and application protocols a chain is for. An empty criterion matches all.
 *
 * @param destinationPort the connection's local port, 0 for any
 * @param transportProtocol {@code "raw_buffer"} or {@code "tls"}, "" for any
 * @param applicationProtocols e.g. {@code "http/1.1"}, {@code "h2c"}; empty for any
 */
public record FilterChainMatch(int destinationPort, String transportProtocol, List<String> applicationProtocols) {

    /** Matches every connection. */
    public static final FilterChainMatch ANY = new FilterChainMatch(0, "", List.of());

    /** Transport protocol of a plain-text connection. */
    public static final String RAW_BUFFER = "raw_buffer";
    /** Transport protocol of a connection that starts with a TLS ClientHello. */
    public static final String TLS = "tls";
    /** Application protocol of an HTTP/1.x connection, as Envoy's http_inspector names it. */
    public static final String HTTP11 = "http/1.1";
    /**
     * Envoy's name for an HTTP/1.0 connection. Outrigger's inspector reports every HTTP/1.x
     * connection as {@link #HTTP11}, so a chain that lists only this one matches HTTP/1.x too.
     */
    public static final String HTTP10 = "http/1.0";
    /** Application protocol of a plain-text HTTP/2 connection (prior knowledge). */
    public static final String H2C = "h2c";

    public FilterChainMatch {
        Objects.requireNonNull(transportProtocol, "transportProtocol");
        applicationProtocols = applicationProtocols.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
    }
}
