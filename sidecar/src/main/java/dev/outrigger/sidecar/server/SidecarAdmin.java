package dev.outrigger.sidecar.server;

import com.google.protobuf.util.Durations;
import dev.outrigger.proto.admin.v1.ClusterStatus;
import dev.outrigger.proto.admin.v1.ClustersStatus;
import dev.outrigger.proto.admin.v1.EndpointStatus;
import dev.outrigger.proto.admin.v1.ServerInfo;
import dev.outrigger.sidecar.admin.AdminBackend;
import dev.outrigger.sidecar.admin.ConfigStatusJson;
import dev.outrigger.sidecar.config.DynamicConfigDumps;
import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.upstream.ClusterManager;
import dev.outrigger.sidecar.upstream.UpstreamCluster;

/** The admin endpoint's view of a {@link Sidecar}. */
final class SidecarAdmin implements AdminBackend {

    private static final String VERSION = versionOf();

    private final Sidecar sidecar;

    SidecarAdmin(Sidecar sidecar) {
        this.sidecar = sidecar;
    }

    @Override
    public boolean isReady() {
        return sidecar.state() == Lifecycle.LIVE;
    }

    @Override
    public ServerInfo serverInfo() {
        ServerInfo.State s = switch (sidecar.state()) {
            case INITIALIZING -> ServerInfo.State.INITIALIZING;
            case LIVE -> ServerInfo.State.LIVE;
            case DRAINING, STOPPED -> ServerInfo.State.DRAINING;
        };
        return ServerInfo.newBuilder()
                .setVersion(VERSION)
                .setState(s)
                .setUptime(Durations.fromNanos(sidecar.uptimeNanos()))
                .setTransport(sidecar.transportName())
                .setConcurrency(sidecar.concurrency())
                .setConfigPath(sidecar.configPath() == null ? "" : sidecar.configPath())
                .build();
    }

    @Override
    public String configDumpJson() {
        XdsRuntime xds = sidecar.xds();
        String base = sidecar.snapshot().configDumpJson();
        return DynamicConfigDumps.redactKeys(xds == null ? base : DynamicConfigDumps.render(base,
                xds.applier().resources()));
    }

    @Override
    public String configStatusJson() {
        XdsRuntime xds = sidecar.xds();
        if (xds == null) {
            return ConfigStatusJson.staticConfig(sidecar.configPath() == null ? "" : sidecar.configPath());
        }
        return ConfigStatusJson.ads(xds.target(), xds.nodeId(), xds.applier().initialized(), xds.status());
    }

    @Override
    public String certsJson() {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root = mapper.createObjectNode();
        root.put("tls_provider", dev.outrigger.mtls.TlsContexts.providerDescription());
        com.fasterxml.jackson.databind.node.ArrayNode certs = root.putArray("certificates");
        long now = java.time.Instant.now().getEpochSecond();
        if (sidecar.tls() != null) {
            for (var c : sidecar.tls().certificates()) {
                var n = certs.addObject();
                n.put("source", c.source());
                n.put("side", c.side());
                n.put("spiffe_id", c.spiffeId());
                n.put("serial", c.serial());
                n.put("not_after", c.notAfter().toString());
                n.put("seconds_to_expiry", c.notAfter().getEpochSecond() - now);
            }
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public ClustersStatus clusters() {
        ClustersStatus.Builder out = ClustersStatus.newBuilder();
        ClusterManager manager = sidecar.clusters();
        if (manager == null) {
            return out.build();
        }
        for (UpstreamCluster c : manager.all()) {
            ClusterStatus.Builder cb = ClusterStatus.newBuilder()
                    .setName(c.name())
                    .setLbPolicy(c.config().lbPolicy().name())
                    .setConnectTimeout(Durations.fromNanos(c.config().connectTimeout().toNanos()))
                    .setMaxConnectionsPerEndpoint(c.config().pool().maxConnectionsPerEndpoint());
            for (EndpointState e : c.endpoints()) {
                cb.addEndpoints(EndpointStatus.newBuilder()
                        .setAddress(e.config().address())
                        .setPort(e.config().port())
                        .setWeight(e.config().weight())
                        .setHealthStatus(e.config().health().name())
                        .setCxActive(e.activeConnections())
                        .setCxTotal(e.connectionsTotal())
                        .setCxConnectFail(e.connectFailures())
                        .setRqActive(e.activeRequests())
                        .setRqTotal(e.requestsTotal())
                        .setRqError(e.requestErrors())
                        .setRqTimeout(e.requestTimeouts())
                        .setFailedActiveHealthCheck(e.hasFlag(EndpointState.FAILED_ACTIVE_HEALTH_CHECK))
                        .setOutlierEjected(e.hasFlag(EndpointState.OUTLIER_EJECTED)));
            }
            out.addClusters(cb);
        }
        return out.build();
    }

    @Override
    public String prometheusScrape() {
        return sidecar.metrics().scrape();
    }

    @Override
    public void startDrain() {
        sidecar.requestDrain();
    }

    private static String versionOf() {
        String v = Sidecar.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
