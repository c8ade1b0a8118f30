package dev.outrigger.sidecar.cluster;

/** The HTTP version a cluster's endpoints are spoken to in ({@code HttpProtocolOptions.upstream_protocol_options}). */
public enum UpstreamProtocol {
    /** {@code explicit_http_config.http_protocol_options}: HTTP/1.1 (the default). */
    HTTP1,
    /** {@code explicit_http_config.http2_protocol_options}: HTTP/2 with prior knowledge. */
    HTTP2,
    /** {@code use_downstream_protocol_config}: the version the client spoke. */
    USE_DOWNSTREAM
}
