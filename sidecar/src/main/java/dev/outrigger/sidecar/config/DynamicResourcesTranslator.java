package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.EndpointConfig;
import dev.outrigger.sidecar.route.RouteRegistry;
import dev.outrigger.sidecar.snapshot.AdsSettings;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import dev.outrigger.xds.client.ApiType;
import dev.outrigger.xds.client.XdsClientOptions;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.time.Duration;
import java.util.Map;

/**
 * Translates the bootstrap's {@code dynamic_resources}: the ADS stream ({@code ads_config}, a gRPC
 * service reached through a static cluster or at a target address) and whether listeners and
 * clusters come over it ({@code lds_config}, {@code cds_config}, which must say {@code ads}).
 */
final class DynamicResourcesTranslator {

    /** What Outrigger calls itself in {@code node.user_agent_name}. */
    static final String USER_AGENT = "outrigger";

    private DynamicResourcesTranslator() {
    }

    /** The ADS settings of {@code bootstrap}, or null when it has no {@code dynamic_resources}. */
    static AdsSettings translate(Bootstrap bootstrap, Map<String, ClusterConfig> staticClusters)
            throws ResourceInvalidException {
        if (!bootstrap.hasDynamicResources()) {
            return null;
        }
        FieldPath path = FieldPath.ROOT.field("dynamic_resources");
        Bootstrap.DynamicResources dynamic = bootstrap.getDynamicResources();
        FieldCheck.only(dynamic, path, "ads_config", "lds_config", "cds_config");
        if (!dynamic.hasAdsConfig()) {
            throw path.field("ads_config").invalid("required: Outrigger takes dynamic resources over one ADS stream");
        }
        Duration timeout = XdsClientOptions.DEFAULT_INITIAL_FETCH_TIMEOUT;
        Duration lds = dynamic.hasLdsConfig()
                ? ConfigSourceTranslator.adsWithTimeout(dynamic.getLdsConfig(), path.field("lds_config")) : null;
        Duration cds = dynamic.hasCdsConfig()
                ? ConfigSourceTranslator.adsWithTimeout(dynamic.getCdsConfig(), path.field("cds_config")) : null;
        if (lds != null || cds != null) {
            // One timeout serves every type; the longer of the two is the one nobody regrets.
            timeout = lds == null ? cds : cds == null ? lds : (lds.compareTo(cds) >= 0 ? lds : cds);
        }
        FieldPath adsPath = path.field("ads_config");
        ApiConfigSource ads = dynamic.getAdsConfig();
        FieldCheck.only(ads, adsPath, "api_type", "transport_api_version", "grpc_services",
                "set_node_on_first_message_only");
        ApiType apiType = switch (ads.getApiType()) {
            case GRPC, AGGREGATED_GRPC -> ApiType.STATE_OF_THE_WORLD;
            case DELTA_GRPC, AGGREGATED_DELTA_GRPC -> ApiType.DELTA;
            default -> throw adsPath.field("api_type").invalid(
                    ClusterTranslator.enumName(ads.getApiType(), ads.getApiTypeValue())
                            + " is not supported for ads_config (GRPC or DELTA_GRPC)");
        };
        if (ads.getTransportApiVersion() != ApiVersion.V3 && ads.getTransportApiVersion() != ApiVersion.AUTO) {
            throw adsPath.field("transport_api_version").invalid(ClusterTranslator.enumName(
                    ads.getTransportApiVersion(), ads.getTransportApiVersionValue()) + " is not supported (V3)");
        }
        if (ads.getGrpcServicesCount() != 1) {
            throw adsPath.field("grpc_services").invalid("exactly one gRPC service is required, got "
                    + ads.getGrpcServicesCount());
        }
        FieldPath servicePath = adsPath.field("grpc_services").index(0);
        GrpcService service = ads.getGrpcServices(0);
        FieldCheck.only(service, servicePath, "envoy_grpc", "google_grpc");
        Node node = bootstrap.getNode();
        if (node.getId().isEmpty()) {
            throw FieldPath.ROOT.field("node").field("id").invalid("required with dynamic_resources: the control "
                    + "plane tells sidecars apart by it (set it here, with --node-id or OUTRIGGER_NODE_ID)");
        }
        XdsClientOptions options = new XdsClientOptions(withUserAgent(node), apiType, timeout,
                XdsClientOptions.DEFAULT_BACKOFF_BASE, XdsClientOptions.DEFAULT_BACKOFF_MAX)
                .withNodeOnFirstRequestOnly(ads.getSetNodeOnFirstMessageOnly());
        if (service.hasEnvoyGrpc()) {
            FieldPath at = servicePath.field("envoy_grpc");
            FieldCheck.only(service.getEnvoyGrpc(), at, "cluster_name");
            String name = service.getEnvoyGrpc().getClusterName();
            ClusterConfig cluster = staticClusters.get(name);
            if (cluster == null) {
                throw at.field("cluster_name").invalid(name.isEmpty() ? "required"
                        : "no static cluster named \"" + name + "\" (the control plane must be reachable without it)");
            }
            if (cluster.isEds()) {
                throw at.field("cluster_name").invalid("cluster \"" + name + "\" must be STATIC: its endpoints "
                        + "cannot come over the stream it carries");
            }
            if (cluster.endpoints().size() != 1) {
                // One stream, one connection: a second endpoint would never be used, so say so.
                throw at.field("cluster_name").invalid("cluster \"" + name + "\" has " + cluster.endpoints().size()
                        + " endpoints; the ADS stream connects to one (give one, or a google_grpc target_uri)");
            }
            EndpointConfig first = cluster.endpoints().get(0);
            return new AdsSettings(first.address(), first.port(), name, options, dynamic.hasLdsConfig(),
                    dynamic.hasCdsConfig(), new RouteRegistry());
        }
        if (service.hasGoogleGrpc()) {
            FieldPath at = servicePath.field("google_grpc");
            FieldCheck.only(service.getGoogleGrpc(), at, "target_uri", "stat_prefix");
            String target = service.getGoogleGrpc().getTargetUri();
            int colon = target.lastIndexOf(':');
            int port = -1;
            if (colon > 0) {
                try {
                    port = Integer.parseInt(target.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (port < 1 || port > 65535) {
                throw at.field("target_uri").invalid("expected HOST:PORT, got \"" + target + "\"");
            }
            String host = target.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return new AdsSettings(host, port, "", options, dynamic.hasLdsConfig(), dynamic.hasCdsConfig(),
                    new RouteRegistry());
        }
        throw servicePath.invalid("required: envoy_grpc (a static cluster) or google_grpc (a target_uri)");
    }

    private static Node withUserAgent(Node node) {
        String version = DynamicResourcesTranslator.class.getPackage().getImplementationVersion();
        return node.toBuilder()
                .setUserAgentName(USER_AGENT)
                .setUserAgentVersion(version == null ? "dev" : version)
                .build();
    }
}
