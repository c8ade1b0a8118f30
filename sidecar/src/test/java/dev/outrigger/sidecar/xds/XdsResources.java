package dev.outrigger.sidecar.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.util.Map;

/** Envoy resources as a control plane would send them, for the xDS tests. */
final class XdsResources {

    private static final ConfigSource ADS = ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance()).build();

    private XdsResources() {
    }

    /** An EDS cluster whose endpoints are requested as {@code name}. */
    static Cluster edsCluster(String name) {
        return Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS))
                .build();
    }

    /** Endpoints for {@code name}: loopback ports. */
    static ClusterLoadAssignment endpoints(String name, int... ports) {
        LocalityLbEndpoints.Builder group = LocalityLbEndpoints.newBuilder();
        for (int port : ports) {
            group.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(
                    address(port))));
        }
        return ClusterLoadAssignment.newBuilder().setClusterName(name).addEndpoints(group).build();
    }

    static Address address(int port) {
        return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                .setAddress("127.0.0.1").setPortValue(port)).build();
    }

    /** A route configuration sending each path prefix to its cluster, in map order. */
    static RouteConfiguration routes(String name, Map<String, String> prefixToCluster) {
        VirtualHost.Builder vh = VirtualHost.newBuilder().setName("all").addDomains("*");
        prefixToCluster.forEach((prefix, cluster) -> vh.addRoutes(Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix(prefix))
                .setRoute(RouteAction.newBuilder().setCluster(cluster))));
        return RouteConfiguration.newBuilder().setName(name).addVirtualHosts(vh).build();
    }

    /** An HTTP listener on 127.0.0.1:{@code port} whose routes come by RDS as {@code routeName}. */
    static Listener httpListener(String name, int port, String routeName) {
        return httpListener(name, port, routeName, name);
    }

    /** Like {@link #httpListener(String, int, String)}, with the connection manager's {@code stat_prefix}. */
    static Listener httpListener(String name, int port, String routeName, String statPrefix) {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix(statPrefix)
                .setRds(Rds.newBuilder().setConfigSource(ADS).setRouteConfigName(routeName))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .build();
        return Listener.newBuilder()
                .setName(name)
                .setAddress(address(port))
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager")
                        .setTypedConfig(Any.pack(hcm))))
                .build();
    }

    /** {@link #httpListener} terminating mutual TLS with SDS secrets {@code certificate} and {@code trust}. */
    static Listener mtlsListener(String name, int port, String routeName, String certificate, String trust) {
        var sdsConfig = io.envoyproxy.envoy.config.core.v3.ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance());
        var tls = io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.newBuilder()
                .setRequireClientCertificate(com.google.protobuf.BoolValue.of(true))
                .setCommonTlsContext(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext
                        .newBuilder()
                        .addTlsCertificateSdsSecretConfigs(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3
                                .SdsSecretConfig.newBuilder().setName(certificate).setSdsConfig(sdsConfig))
                        .setValidationContextSdsSecretConfig(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3
                                .SdsSecretConfig.newBuilder().setName(trust).setSdsConfig(sdsConfig)))
                .build();
        Listener plain = httpListener(name, port, routeName);
        return plain.toBuilder().setFilterChains(0, plain.getFilterChains(0).toBuilder().setTransportSocket(
                io.envoyproxy.envoy.config.core.v3.TransportSocket.newBuilder()
                        .setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(tls)))).build();
    }

    /** An EDS cluster originating mTLS with SDS secrets {@code certificate} and {@code trust}, expecting {@code peerId}. */
    static Cluster mtlsCluster(String name, String certificate, String trust, String peerId) {
        var sdsConfig = io.envoyproxy.envoy.config.core.v3.ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance());
        var tls = io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.newBuilder()
                .setCommonTlsContext(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext
                        .newBuilder()
                        .addTlsCertificateSdsSecretConfigs(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3
                                .SdsSecretConfig.newBuilder().setName(certificate).setSdsConfig(sdsConfig))
                        .setCombinedValidationContext(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3
                                .CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                                .setDefaultValidationContext(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3
                                        .CertificateValidationContext.newBuilder().addMatchTypedSubjectAltNames(
                                                io.envoyproxy.envoy.extensions.transport_sockets.tls.v3
                                                        .SubjectAltNameMatcher.newBuilder()
                                                        .setSanType(io.envoyproxy.envoy.extensions.transport_sockets
                                                                .tls.v3.SubjectAltNameMatcher.SanType.URI)
                                                        .setMatcher(io.envoyproxy.envoy.type.matcher.v3.StringMatcher
                                                                .newBuilder().setExact(peerId))))
                                .setValidationContextSdsSecretConfig(io.envoyproxy.envoy.extensions.transport_sockets
                                        .tls.v3.SdsSecretConfig.newBuilder().setName(trust)
                                        .setSdsConfig(sdsConfig))))
                .build();
        return edsCluster(name).toBuilder().setTransportSocket(io.envoyproxy.envoy.config.core.v3.TransportSocket
                .newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(tls))).build();
    }

    /** An SDS certificate secret. */
    static io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret certificateSecret(String name,
            String chainPem, String keyPem) {
        return io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.newBuilder().setName(name)
                .setTlsCertificate(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate.newBuilder()
                        .setCertificateChain(io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder()
                                .setInlineString(chainPem))
                        .setPrivateKey(io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder()
                                .setInlineString(keyPem)))
                .build();
    }

    /** An SDS trust bundle secret. */
    static io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret trustSecret(String name, String caPem) {
        return io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.newBuilder().setName(name)
                .setValidationContext(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3
                        .CertificateValidationContext.newBuilder().setTrustedCa(
                                io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder().setInlineString(caPem)))
                .build();
    }

    /** A TCP proxy listener on 127.0.0.1:{@code port} to {@code cluster}. */
    static Listener tcpListener(String name, int port, String cluster) {
        var tcp = io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.newBuilder()
                .setStatPrefix(name).setCluster(cluster).build();
        return Listener.newBuilder()
                .setName(name)
                .setAddress(address(port))
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.tcp_proxy")
                        .setTypedConfig(Any.pack(tcp))))
                .build();
    }

    /** A bootstrap for node {@code nodeId} taking everything from the control plane at {@code port}. */
    static String bootstrap(String nodeId, int port, String apiType, String initialFetchTimeout) {
        return """
                node: { id: %s, cluster: test }
                admin:
                  address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
                dynamic_resources:
                  ads_config:
                    api_type: %s
                    transport_api_version: V3
                    grpc_services:
                    - envoy_grpc: { cluster_name: xds }
                  lds_config: { ads: {}, resource_api_version: V3, initial_fetch_timeout: %s }
                  cds_config: { ads: {}, resource_api_version: V3, initial_fetch_timeout: %s }
                static_resources:
                  clusters:
                  - name: xds
                    type: STATIC
                    typed_extension_protocol_options:
                      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                        "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                        explicit_http_config: { http2_protocol_options: {} }
                    load_assignment:
                      cluster_name: xds
                      endpoints:
                      - lb_endpoints:
                        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
                """.formatted(nodeId, apiType, initialFetchTimeout, initialFetchTimeout, port);
    }
}
