package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.cluster.UpstreamProtocol;
import dev.outrigger.sidecar.snapshot.Http2Settings;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.Objects;

/**
 * Translates which HTTP version a cluster's endpoints are spoken to in: the
 * {@code upstream_protocol_options} of its {@code HttpProtocolOptions}, or the deprecated
 * {@code Cluster.http2_protocol_options}.
 */
final class UpstreamProtocolTranslator {

    private UpstreamProtocolTranslator() {
    }

    /**
     * The protocol of a cluster and the HTTP/2 settings it offers.
     *
     * @param protocol the HTTP version
     * @param http2 HTTP/2 settings; {@link Http2Settings#DEFAULTS} when none are given
     */
    record Result(UpstreamProtocol protocol, Http2Settings http2) {

        /** HTTP/1.1, Envoy's default. */
        static final Result HTTP1 = new Result(UpstreamProtocol.HTTP1, Http2Settings.DEFAULTS);

        Result {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(http2, "http2");
        }
    }

    /**
     * The protocol of {@code cluster} at {@code path}.
     *
     * @param options the cluster's {@code HttpProtocolOptions}, or null when it has none
     * @param optionsPath where {@code options} is
     */
    static Result translate(Cluster cluster, HttpProtocolOptions options, FieldPath path, FieldPath optionsPath)
            throws ResourceInvalidException {
        if (cluster.hasHttp2ProtocolOptions()) {
            FieldPath at = path.field("http2_protocol_options");
            if (options != null) {
                throw at.invalid("not together with typed_extension_protocol_options[\""
                        + ConnectionPoolTranslator.HTTP_OPTIONS + "\"]; give the HTTP/2 options there, in "
                        + "explicit_http_config.http2_protocol_options");
            }
            // Deprecated in v3 but still what many configurations say: HTTP/2 with prior knowledge.
            return new Result(UpstreamProtocol.HTTP2,
                    Http2OptionsTranslator.translate(cluster.getHttp2ProtocolOptions(), at));
        }
        return options == null ? Result.HTTP1 : fromOptions(options, optionsPath);
    }

    private static Result fromOptions(HttpProtocolOptions options, FieldPath path) throws ResourceInvalidException {
        if (options.hasAutoConfig()) {
            throw path.field("auto_config").invalid("not supported yet: it picks HTTP/1.1 or HTTP/2 by ALPN, which "
                    + "needs TLS to the endpoints; use explicit_http_config or use_downstream_protocol_config");
        }
        FieldCheck.only(options, path, "common_http_protocol_options", "explicit_http_config",
                "use_downstream_protocol_config");
        return switch (options.getUpstreamProtocolOptionsCase()) {
            case EXPLICIT_HTTP_CONFIG -> explicit(options.getExplicitHttpConfig(), path.field("explicit_http_config"));
            case USE_DOWNSTREAM_PROTOCOL_CONFIG -> useDownstream(options.getUseDownstreamProtocolConfig(),
                    path.field("use_downstream_protocol_config"));
            // Envoy requires one of the three; without one, the HTTP/1.1 default is the only reading.
            default -> Result.HTTP1;
        };
    }

    private static Result explicit(HttpProtocolOptions.ExplicitHttpConfig explicit, FieldPath path)
            throws ResourceInvalidException {
        if (explicit.hasHttp3ProtocolOptions()) {
            throw path.field("http3_protocol_options").invalid("HTTP/3 to upstreams is not supported yet");
        }
        if (explicit.hasHttp2ProtocolOptions()) {
            return new Result(UpstreamProtocol.HTTP2, Http2OptionsTranslator.translate(
                    explicit.getHttp2ProtocolOptions(), path.field("http2_protocol_options")));
        }
        if (!explicit.hasHttpProtocolOptions()) {
            throw path.invalid("set http_protocol_options (HTTP/1.1) or http2_protocol_options (HTTP/2)");
        }
        http1(explicit.getHttpProtocolOptions(), path.field("http_protocol_options"));
        return Result.HTTP1;
    }

    private static Result useDownstream(HttpProtocolOptions.UseDownstreamHttpConfig config, FieldPath path)
            throws ResourceInvalidException {
        if (config.hasHttp3ProtocolOptions()) {
            throw path.field("http3_protocol_options").invalid("HTTP/3 to upstreams is not supported yet");
        }
        FieldCheck.only(config, path, "http_protocol_options", "http2_protocol_options");
        if (config.hasHttpProtocolOptions()) {
            http1(config.getHttpProtocolOptions(), path.field("http_protocol_options"));
        }
        Http2Settings http2 = config.hasHttp2ProtocolOptions()
                ? Http2OptionsTranslator.translate(config.getHttp2ProtocolOptions(),
                        path.field("http2_protocol_options"))
                : Http2Settings.DEFAULTS;
        return new Result(UpstreamProtocol.USE_DOWNSTREAM, http2);
    }

    // Outrigger's HTTP/1.1 client has no knobs yet: any option set would be silently ignored.
    private static void http1(io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions options, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(options, path);
    }
}
