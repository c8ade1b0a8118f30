package dev.outrigger.sidecar.config;

import com.google.protobuf.Message;
import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.ClusterEndpoints;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.route.RouteRegistry;
import dev.outrigger.sidecar.route.RouteSource;
import dev.outrigger.sidecar.route.RouteTable;
import dev.outrigger.sidecar.secret.SecretConfig;
import dev.outrigger.xds.EnvoyTypes;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import dev.outrigger.xds.client.XdsResourceType;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.function.Function;

/**
 * The five xDS resource types the sidecar subscribes to, each with the one parser that turns its
 * message into Outrigger's immutable records. Errors name fields relative to the resource.
 */
public final class XdsTypes {

    /** Listeners (LDS, wildcard). */
    public final XdsResourceType<ListenerConfig> listeners;
    /** Route configurations (RDS, by name). */
    public final XdsResourceType<RouteTable> routes;
    /** Clusters (CDS, wildcard). */
    public final XdsResourceType<ClusterConfig> clusters;
    /** Cluster load assignments (EDS, by service name). */
    public final XdsResourceType<ClusterEndpoints> endpoints;
    /** Secrets (SDS, by name). */
    public final XdsResourceType<SecretConfig> secrets;

    /** Types whose listeners find their RDS route configurations in {@code registry}. */
    public XdsTypes(RouteRegistry registry) {
        listeners = new Type<>(Listener.class, true, m -> ((Listener) m).getName(), m -> listener((Listener) m, registry));
        routes = new Type<>(RouteConfiguration.class, false, m -> ((RouteConfiguration) m).getName(),
                m -> RouteConfigTranslator.translate((RouteConfiguration) m, FieldPath.ROOT));
        clusters = new Type<>(Cluster.class, true, m -> ((Cluster) m).getName(),
                m -> ClusterTranslator.translate((Cluster) m, FieldPath.ROOT));
        endpoints = new Type<>(ClusterLoadAssignment.class, false, m -> ((ClusterLoadAssignment) m).getClusterName(),
                m -> endpoints((ClusterLoadAssignment) m));
        secrets = new Type<>(Secret.class, false, m -> ((Secret) m).getName(),
                m -> SecretTranslator.translate((Secret) m, FieldPath.ROOT));
    }

    /** Translates a listener whose HTTP chains take inline routes or RDS routes from {@code registry}. */
    static ListenerConfig listener(Listener listener, RouteRegistry registry) throws ResourceInvalidException {
        ListenerTranslator.Draft draft = ListenerTranslator.translate(listener, FieldPath.ROOT);
        return draft.complete(http -> routeSource(http, registry));
    }

    static RouteSource routeSource(HcmTranslator.Draft http, RouteRegistry registry) throws ResourceInvalidException {
        if (http.rdsName() != null) {
            if (registry == null) {
                throw http.routeConfigPath().invalid("rds needs dynamic_resources.ads_config: routes come over ADS");
            }
            return registry.routes(http.rdsName());
        }
        return RouteConfigTranslator.translate(http.routeConfig(), http.routeConfigPath());
    }

    private static ClusterEndpoints endpoints(ClusterLoadAssignment assignment) throws ResourceInvalidException {
        if (assignment.getClusterName().isEmpty()) {
            throw FieldPath.ROOT.field("cluster_name").invalid("required: the service name EDS clusters ask for");
        }
        return new ClusterEndpoints(assignment.getClusterName(),
                LoadAssignmentTranslator.translate(assignment, FieldPath.ROOT));
    }

    /** A parser of one message type. */
    @FunctionalInterface
    private interface Parser<T> {
        T parse(Message message) throws ResourceInvalidException;
    }

    private record Type<T>(Class<? extends Message> messageClass, boolean wildcard, Function<Message, String> names,
            Parser<T> parser) implements XdsResourceType<T> {

        @Override
        public String typeUrl() {
            return EnvoyTypes.typeUrl(com.google.protobuf.Internal.getDefaultInstance(messageClass).getDescriptorForType());
        }

        @Override
        public String name(Message resource) {
            return names.apply(resource);
        }

        @Override
        public T parse(Message resource) throws ResourceInvalidException {
            return parser.parse(resource);
        }
    }
}
