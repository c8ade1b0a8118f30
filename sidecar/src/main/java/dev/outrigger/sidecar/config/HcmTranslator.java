package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.listener.ForwardClientCert;
import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig.Codec;
import dev.outrigger.sidecar.route.RouteSource;
import dev.outrigger.sidecar.snapshot.Http2Settings;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.time.Duration;
import dev.outrigger.sidecar.accesslog.AccessLogConfig;
import dev.outrigger.sidecar.filter.HttpFilterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Translates Envoy's {@code HttpConnectionManager} into everything of an
 * {@link HttpConnectionManagerConfig} but its route table, which the route translator builds
 * from {@link Draft#routeConfig()} once every listener has been checked.
 */
final class HcmTranslator {

    /** The name Envoy gives the router filter. */
    static final String ROUTER = "envoy.filters.http.router";
    /** Envoy's upper bound for {@code max_request_headers_kb}. */
    static final int MAX_REQUEST_HEADERS_KB = 8192;

    private HcmTranslator() {
    }

    /**
     * A checked {@code HttpConnectionManager} waiting for its route table.
     *
     * @param http2 the HTTP/2 settings offered to clients
     * @param upgradeTypes the upgrade types enabled for every route, lower case
     * @param routeConfig the inline {@code route_config}, or null with {@code rds}
     * @param routeConfigPath where it is, for the route translator's errors
     * @param rdsName the route configuration named by {@code rds}, or null with an inline one
     */
    record Draft(
            String statPrefix,
            Codec codec,
            Duration idleTimeout,
            int maxRequestHeadersBytes,
            boolean generateRequestId,
            boolean preserveExternalRequestId,
            boolean useRemoteAddress,
            boolean skipXffAppend,
            String serverName,
            List<String> skippedOptionalFilters,
            Http2Settings http2,
            Set<String> upgradeTypes,
            RouteConfiguration routeConfig,
            FieldPath routeConfigPath,
            String rdsName,
            ForwardClientCert forwardClientCert,
            List<HttpFilterConfig> filters,
            int xffNumTrustedHops,
            List<AccessLogConfig> accessLogs) {

        Draft {
            skippedOptionalFilters = List.copyOf(skippedOptionalFilters);
            filters = List.copyOf(filters);
            accessLogs = List.copyOf(accessLogs);
            Objects.requireNonNull(http2, "http2");
            upgradeTypes = Set.copyOf(upgradeTypes);
            if ((routeConfig == null) == (rdsName == null)) {
                throw new IllegalArgumentException("exactly one of routeConfig and rdsName");
            }
        }

        /** The finished configuration, with {@code routes} from {@link #routeConfig()} or {@link #rdsName()}. */
        HttpConnectionManagerConfig complete(RouteSource routes) {
            return new HttpConnectionManagerConfig(statPrefix, routes, idleTimeout, maxRequestHeadersBytes,
                    generateRequestId, preserveExternalRequestId, useRemoteAddress, skipXffAppend, serverName,
                    codec, skippedOptionalFilters, http2, upgradeTypes, forwardClientCert, filters, xffNumTrustedHops,
                    accessLogs);
        }
    }

    /** Checks {@code hcm} found at {@code path} and keeps what Outrigger uses. */
    static Draft translate(HttpConnectionManager hcm, FieldPath path) throws ResourceInvalidException {
        if (hcm.hasScopedRoutes()) {
            throw path.field("scoped_routes").invalid(
                    "scoped_routes is not supported; give the routes in route_config or by rds");
        }
        FieldCheck.only(hcm, path, "stat_prefix", "codec_type", "route_config", "rds", "http_filters",
                "common_http_protocol_options", "max_request_headers_kb", "generate_request_id",
                "preserve_external_request_id", "use_remote_address", "skip_xff_append", "server_name",
                "http2_protocol_options", "upgrade_configs", "forward_client_cert_details",
                "set_current_client_cert_details", "xff_num_trusted_hops", "access_log");
        if (hcm.getStatPrefix().isEmpty()) {
            throw path.field("stat_prefix").invalid(
                    "required, as in Envoy (it prefixes this listener's HTTP statistics)");
        }
        Codec codec = switch (hcm.getCodecType()) {
            case AUTO -> Codec.AUTO;
            case HTTP1 -> Codec.HTTP1;
            case HTTP2 -> Codec.HTTP2;
            default -> throw path.field("codec_type").invalid(
                    ClusterTranslator.enumName(hcm.getCodecType(), hcm.getCodecTypeValue())
                            + " is not supported yet (AUTO, HTTP1 or HTTP2)");
        };
        Http2Settings http2 = Http2Settings.DEFAULTS;
        if (hcm.hasHttp2ProtocolOptions()) {
            if (codec == Codec.HTTP1) {
                throw path.field("http2_protocol_options").invalid(
                        "has no effect with codec_type HTTP1; use AUTO or HTTP2, or remove it");
            }
            http2 = Http2OptionsTranslator.translate(hcm.getHttp2ProtocolOptions(),
                    path.field("http2_protocol_options"));
        }
        Set<String> upgradeTypes = UpgradeConfigTranslator.connectionManager(hcm.getUpgradeConfigsList(),
                path.field("upgrade_configs"));
        Duration idleTimeout = idleTimeout(hcm, path);
        int maxHeaderBytes = HttpConnectionManagerConfig.DEFAULT_MAX_REQUEST_HEADERS_BYTES;
        if (hcm.hasMaxRequestHeadersKb()) {
            long kb = Integer.toUnsignedLong(hcm.getMaxRequestHeadersKb().getValue());
            if (kb < 1 || kb > MAX_REQUEST_HEADERS_KB) {
                throw path.field("max_request_headers_kb").invalid(
                        kb + " is out of range 1.." + MAX_REQUEST_HEADERS_KB);
            }
            maxHeaderBytes = (int) kb * 1024;
        }
        List<String> skipped = new ArrayList<>();
        List<HttpFilterConfig> filters = httpFilters(hcm, path.field("http_filters"), skipped);
        String rdsName = null;
        if (hcm.hasRds()) {
            rdsName = rds(hcm.getRds(), path.field("rds"));
        } else if (!hcm.hasRouteConfig()) {
            throw path.field("route_config").invalid("required: give the routes inline, or name them with rds");
        }
        String serverName = hcm.getServerName().isEmpty()
                ? HttpConnectionManagerConfig.DEFAULT_SERVER_NAME
                : hcm.getServerName();
        return new Draft(hcm.getStatPrefix(), codec, idleTimeout, maxHeaderBytes,
                !hcm.hasGenerateRequestId() || hcm.getGenerateRequestId().getValue(),
                hcm.getPreserveExternalRequestId(),
                hcm.hasUseRemoteAddress() && hcm.getUseRemoteAddress().getValue(),
                hcm.getSkipXffAppend(),
                serverName, skipped, http2, upgradeTypes, rdsName == null ? hcm.getRouteConfig() : null,
                path.field(rdsName == null ? "route_config" : "rds"), rdsName, forwardClientCert(hcm, path), filters,
                hcm.getXffNumTrustedHops(),
                AccessLogTranslator.translate(hcm.getAccessLogList(), path.field("access_log")));
    }

    private static ForwardClientCert forwardClientCert(HttpConnectionManager hcm, FieldPath path)
            throws ResourceInvalidException {
        ForwardClientCert.Mode mode = switch (hcm.getForwardClientCertDetails()) {
            case SANITIZE -> ForwardClientCert.Mode.SANITIZE;
            case FORWARD_ONLY -> ForwardClientCert.Mode.FORWARD_ONLY;
            case APPEND_FORWARD -> ForwardClientCert.Mode.APPEND_FORWARD;
            case SANITIZE_SET -> ForwardClientCert.Mode.SANITIZE_SET;
            case ALWAYS_FORWARD_ONLY -> ForwardClientCert.Mode.ALWAYS_FORWARD_ONLY;
            default -> throw path.field("forward_client_cert_details").invalid("value "
                    + hcm.getForwardClientCertDetailsValue() + " is not a forward_client_cert_details");
        };
        boolean uri = false;
        if (hcm.hasSetCurrentClientCertDetails()) {
            FieldPath at = path.field("set_current_client_cert_details");
            FieldCheck.only(hcm.getSetCurrentClientCertDetails(), at, "uri");
            uri = hcm.getSetCurrentClientCertDetails().getUri();
        }
        return new ForwardClientCert(mode, uri);
    }

    // Routes come over the ADS stream: the only config source Outrigger speaks.
    private static String rds(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds rds,
            FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(rds, path, "config_source", "route_config_name");
        if (rds.getRouteConfigName().isEmpty()) {
            throw path.field("route_config_name").invalid("required");
        }
        ConfigSourceTranslator.requireAds(rds.getConfigSource(), path.field("config_source"));
        return rds.getRouteConfigName();
    }

    private static Duration idleTimeout(HttpConnectionManager hcm, FieldPath path) throws ResourceInvalidException {
        if (!hcm.hasCommonHttpProtocolOptions()) {
            return HttpConnectionManagerConfig.DEFAULT_IDLE_TIMEOUT;
        }
        HttpProtocolOptions options = hcm.getCommonHttpProtocolOptions();
        FieldPath p = path.field("common_http_protocol_options");
        FieldCheck.only(options, p, "idle_timeout");
        return options.hasIdleTimeout()
                ? ConfigValues.nonNegative(options.getIdleTimeout(), p.field("idle_timeout"))
                : HttpConnectionManagerConfig.DEFAULT_IDLE_TIMEOUT;
    }

    /**
     * Translates the filter list: it must end with the router; every other entry must be a filter
     * Outrigger implements, or be optional ({@code is_optional}: skipped, as Envoy's contract
     * allows a proxy that lacks it).
     *
     * @param skipped receives the names of the optional filters skipped
     * @return the filters to run, in order, the router excluded
     */
    private static List<HttpFilterConfig> httpFilters(HttpConnectionManager hcm, FieldPath path, List<String> skipped)
            throws ResourceInvalidException {
        int count = hcm.getHttpFiltersCount();
        if (count == 0) {
            throw path.invalid("the last HTTP filter must be " + ROUTER + " (the list is empty)");
        }
        List<HttpFilterConfig> filters = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < count; i++) {
            HttpFilter filter = hcm.getHttpFilters(i);
            FieldPath p = path.index(i);
            FieldCheck.only(filter, p, "name", "typed_config", "is_optional");
            boolean last = i == count - 1;
            if (isRouter(filter)) {
                if (!last) {
                    throw p.invalid(ROUTER + " must be the last HTTP filter");
                }
                if (filter.hasTypedConfig()) {
                    Router router = ConfigValues.unpack(filter.getTypedConfig(), Router.class, p.field("typed_config"));
                    FieldCheck.only(router, p.field("typed_config"));
                }
                continue;
            }
            if (last) {
                throw p.invalid("the last HTTP filter must be " + ROUTER + ", not " + displayName(filter));
            }
            HttpFilterRegistry.FilterTranslator translator = filter.hasTypedConfig()
                    ? HttpFilterRegistry.filter(ConfigValues.typeName(filter.getTypedConfig())) : null;
            if (translator == null) {
                if (filter.getIsOptional()) {
                    skipped.add(displayName(filter));
                    continue;
                }
                String known = HttpFilterRegistry.known();
                throw p.invalid(displayName(filter) + (filter.hasTypedConfig() ? "" : " without typed_config")
                        + " is not supported" + (known.isEmpty() ? "" : " (HTTP filters: " + known + ")")
                        + "; mark it is_optional to run without it");
            }
            if (filter.getName().isEmpty()) {
                throw p.field("name").invalid("required: typed_per_filter_config refers to filters by name");
            }
            if (!names.add(filter.getName())) {
                throw p.field("name").invalid("\"" + filter.getName() + "\" is the name of an earlier filter");
            }
            filters.add(new HttpFilterConfig(filter.getName(), ConfigValues.typeName(filter.getTypedConfig()),
                    translator.translate(filter.getName(), filter.getTypedConfig(), p.field("typed_config"))));
        }
        return filters;
    }

    // Envoy picks a filter's implementation by the type of typed_config; the name decides only
    // when there is no typed_config.
    private static boolean isRouter(HttpFilter filter) {
        return filter.hasTypedConfig()
                ? ConfigValues.typeName(filter.getTypedConfig()).equals(Router.getDescriptor().getFullName())
                : filter.getName().equals(ROUTER);
    }

    private static String displayName(HttpFilter filter) {
        if (!filter.getName().isEmpty()) {
            return filter.getName();
        }
        return filter.hasTypedConfig() ? ConfigValues.typeName(filter.getTypedConfig()) : "an unnamed filter";
    }
}
