package dev.outrigger.sidecar.listener;

import dev.outrigger.sidecar.accesslog.AccessLogConfig;
import dev.outrigger.sidecar.route.RouteSource;
import dev.outrigger.sidecar.route.RouteTable;
import dev.outrigger.sidecar.snapshot.Http2Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a listener serves HTTP, from Envoy's {@code HttpConnectionManager}.
 *
 * @param statPrefix Envoy's {@code stat_prefix}
 * @param routes the inline {@code route_config}, or the RDS configuration named by {@code rds}
 * @param idleTimeout a downstream connection with no request in flight is closed after this
 *     ({@code common_http_protocol_options.idle_timeout}, default 1h; zero disables)
 * @param maxRequestHeadersBytes limit on the request headers, 431 beyond
 *     ({@code max_request_headers_kb}, default 60 KiB; the request line has its own 16 KiB limit)
 * @param generateRequestId set {@code x-request-id} when absent ({@code generate_request_id}, default true)
 * @param preserveExternalRequestId keep a caller's {@code x-request-id} even on an edge listener
 * @param useRemoteAddress the listener is an edge: {@code x-forwarded-proto} is overwritten with
 *     the listener's own scheme instead of trusted from the caller
 * @param skipXffAppend do not append the peer address to {@code x-forwarded-for}
 * @param serverName the {@code server} header of Outrigger's own (local) replies
 * @param codec which HTTP versions downstream clients may speak ({@code codec_type})
 * @param skippedOptionalFilters names of {@code http_filters} entries marked {@code is_optional}
 *     that Outrigger does not implement and therefore does not run, in configuration order
 * @param http2 HTTP/2 settings offered to clients ({@code http2_protocol_options})
 * @param upgradeTypes upgrade types enabled for every route ({@code upgrade_configs}), lower case
 * @param forwardClientCert what happens to {@code x-forwarded-client-cert}
 * @param filters the HTTP filters Outrigger runs before the route's action, in order
 * @param xffNumTrustedHops {@code xff_num_trusted_hops}: how far into {@code x-forwarded-for} the
 *     original client is looked for (see {@code ClientAddress})
 * @param accessLogs the {@code access_log} list: one line per request to each, when it ends
 */
public record HttpConnectionManagerConfig(
        String statPrefix,
        RouteSource routes,
        Duration idleTimeout,
        int maxRequestHeadersBytes,
        boolean generateRequestId,
        boolean preserveExternalRequestId,
        boolean useRemoteAddress,
        boolean skipXffAppend,
        String serverName,
        Codec codec,
        List<String> skippedOptionalFilters,
        Http2Settings http2,
        java.util.Set<String> upgradeTypes,
        ForwardClientCert forwardClientCert,
        List<dev.outrigger.sidecar.filter.HttpFilterConfig> filters,
        int xffNumTrustedHops,
        List<AccessLogConfig> accessLogs) {

    /** A connection manager without access logs. */
    public HttpConnectionManagerConfig(String statPrefix, RouteSource routes, Duration idleTimeout,
            int maxRequestHeadersBytes, boolean generateRequestId, boolean preserveExternalRequestId,
            boolean useRemoteAddress, boolean skipXffAppend, String serverName, Codec codec,
            List<String> skippedOptionalFilters, Http2Settings http2, java.util.Set<String> upgradeTypes,
            ForwardClientCert forwardClientCert, List<dev.outrigger.sidecar.filter.HttpFilterConfig> filters,
            int xffNumTrustedHops) {
        this(statPrefix, routes, idleTimeout, maxRequestHeadersBytes, generateRequestId, preserveExternalRequestId,
                useRemoteAddress, skipXffAppend, serverName, codec, skippedOptionalFilters, http2, upgradeTypes,
                forwardClientCert, filters, xffNumTrustedHops, List.of());
    }

    /** A connection manager without HTTP filters, trusting no {@code x-forwarded-for} hop. */
    public HttpConnectionManagerConfig(String statPrefix, RouteSource routes, Duration idleTimeout,
            int maxRequestHeadersBytes, boolean generateRequestId, boolean preserveExternalRequestId,
            boolean useRemoteAddress, boolean skipXffAppend, String serverName, Codec codec,
            List<String> skippedOptionalFilters, Http2Settings http2, java.util.Set<String> upgradeTypes,
            ForwardClientCert forwardClientCert) {
        this(statPrefix, routes, idleTimeout, maxRequestHeadersBytes, generateRequestId, preserveExternalRequestId,
                useRemoteAddress, skipXffAppend, serverName, codec, skippedOptionalFilters, http2, upgradeTypes,
                forwardClientCert, List.of(), 0);
    }

    /** A connection manager that sanitizes {@code x-forwarded-client-cert} (Envoy's default). */
    public HttpConnectionManagerConfig(String statPrefix, RouteSource routes, Duration idleTimeout,
            int maxRequestHeadersBytes, boolean generateRequestId, boolean preserveExternalRequestId,
            boolean useRemoteAddress, boolean skipXffAppend, String serverName, Codec codec,
            List<String> skippedOptionalFilters, Http2Settings http2, java.util.Set<String> upgradeTypes) {
        this(statPrefix, routes, idleTimeout, maxRequestHeadersBytes, generateRequestId, preserveExternalRequestId,
                useRemoteAddress, skipXffAppend, serverName, codec, skippedOptionalFilters, http2, upgradeTypes,
                ForwardClientCert.SANITIZE);
    }

    /** Envoy's default downstream idle timeout. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
    /** Envoy's default {@code max_request_headers_kb}. */
    public static final int DEFAULT_MAX_REQUEST_HEADERS_BYTES = 60 * 1024;
    /** Default {@code server} header of local replies. */
    public static final String DEFAULT_SERVER_NAME = "outrigger";

    /** Downstream HTTP versions, from Envoy's {@code codec_type}. */
    public enum Codec {
        /** HTTP/1.1, and HTTP/2 when the client starts with the HTTP/2 preface or asks for {@code Upgrade: h2c}. */
        AUTO,
        /** HTTP/1.1 only. */
        HTTP1,
        /** HTTP/2 only (prior knowledge). */
        HTTP2
    }

    /** A connection manager with default HTTP/2 settings and no upgrades enabled. */
    public HttpConnectionManagerConfig(String statPrefix, RouteSource routes, Duration idleTimeout,
            int maxRequestHeadersBytes, boolean generateRequestId, boolean preserveExternalRequestId,
            boolean useRemoteAddress, boolean skipXffAppend, String serverName, Codec codec,
            List<String> skippedOptionalFilters) {
        this(statPrefix, routes, idleTimeout, maxRequestHeadersBytes, generateRequestId, preserveExternalRequestId,
                useRemoteAddress, skipXffAppend, serverName, codec, skippedOptionalFilters, Http2Settings.DEFAULTS,
                java.util.Set.of());
    }

    public HttpConnectionManagerConfig {
        Objects.requireNonNull(statPrefix, "statPrefix");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(codec, "codec");
        skippedOptionalFilters = List.copyOf(skippedOptionalFilters);
        Objects.requireNonNull(http2, "http2");
        upgradeTypes = java.util.Set.copyOf(upgradeTypes);
        Objects.requireNonNull(forwardClientCert, "forwardClientCert");
        filters = List.copyOf(filters);
        accessLogs = List.copyOf(accessLogs);
        if (xffNumTrustedHops < 0) {
            throw new IllegalArgumentException("xffNumTrustedHops must not be negative");
        }
    }

    /** The route table for a request starting now (for RDS, the latest version). */
    public RouteTable routeTable() {
        return routes.current();
    }
}
