package dev.outrigger.xds.client;

import com.google.protobuf.Message;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;

/** Resource types over real Envoy messages, with parsers just strict enough to reject on demand. */
final class TestTypes {

    static final String CLUSTER_URL = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    static final String ENDPOINT_URL = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
    static final String LISTENER_URL = "type.googleapis.com/envoy.config.listener.v3.Listener";
    static final String ROUTE_URL = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

    /** Clusters parse to {@code name/alt_stat_name}; a name starting with {@code bad-} is invalid. */
    static final XdsResourceType<String> CLUSTERS = new Type<>(CLUSTER_URL, Cluster.class, true) {
        @Override
        public String name(Message resource) {
            return ((Cluster) resource).getName();
        }

        @Override
        public String parse(Message resource) throws ResourceInvalidException {
            Cluster c = (Cluster) resource;
            if (c.getName().startsWith("bad-")) {
                throw new ResourceInvalidException(FieldPath.ROOT.field("name"), "bad- clusters are refused");
            }
            return c.getName() + "/" + c.getAltStatName();
        }
    };

    /** Load assignments parse to {@code cluster_name:endpoint count}. */
    static final XdsResourceType<String> ENDPOINTS = new Type<>(ENDPOINT_URL, ClusterLoadAssignment.class, false) {
        @Override
        public String name(Message resource) {
            return ((ClusterLoadAssignment) resource).getClusterName();
        }

        @Override
        public String parse(Message resource) {
            ClusterLoadAssignment a = (ClusterLoadAssignment) resource;
            return a.getClusterName() + ":" + a.getEndpointsCount();
        }
    };

    /** Listeners parse to their stat prefix. */
    static final XdsResourceType<String> LISTENERS = new Type<>(LISTENER_URL, Listener.class, true) {
        @Override
        public String name(Message resource) {
            return ((Listener) resource).getName();
        }

        @Override
        public String parse(Message resource) {
            return ((Listener) resource).getStatPrefix();
        }
    };

    /** Route configurations parse to their virtual host count. */
    static final XdsResourceType<String> ROUTES = new Type<>(ROUTE_URL, RouteConfiguration.class, false) {
        @Override
        public String name(Message resource) {
            return ((RouteConfiguration) resource).getName();
        }

        @Override
        public String parse(Message resource) {
            return Integer.toString(((RouteConfiguration) resource).getVirtualHostsCount());
        }
    };

    private TestTypes() {
    }

    static Cluster cluster(String name, String detail) {
        return Cluster.newBuilder().setName(name).setAltStatName(detail).build();
    }

    static ClusterLoadAssignment endpoints(String cluster, int count) {
        ClusterLoadAssignment.Builder b = ClusterLoadAssignment.newBuilder().setClusterName(cluster);
        for (int i = 0; i < count; i++) {
            b.addEndpoints(io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints.newBuilder().setPriority(i));
        }
        return b.build();
    }

    static Listener listener(String name, String statPrefix) {
        return Listener.newBuilder().setName(name).setStatPrefix(statPrefix).build();
    }

    private abstract static class Type<T> implements XdsResourceType<T> {
        private final String typeUrl;
        private final Class<? extends Message> messageClass;
        private final boolean wildcard;

        Type(String typeUrl, Class<? extends Message> messageClass, boolean wildcard) {
            this.typeUrl = typeUrl;
            this.messageClass = messageClass;
            this.wildcard = wildcard;
        }

        @Override
        public String typeUrl() {
            return typeUrl;
        }

        @Override
        public Class<? extends Message> messageClass() {
            return messageClass;
        }

        @Override
        public boolean wildcard() {
            return wildcard;
        }
    }
}
