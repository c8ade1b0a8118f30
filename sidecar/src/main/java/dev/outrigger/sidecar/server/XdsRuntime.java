package dev.outrigger.sidecar.server;

import dev.outrigger.sidecar.config.XdsTypes;
import dev.outrigger.sidecar.metrics.ProxyMetrics;
import dev.outrigger.sidecar.secret.SecretConsumer;
import dev.outrigger.sidecar.snapshot.AdsSettings;
import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.sidecar.transport.Transport;
import dev.outrigger.sidecar.xds.DataPlane;
import dev.outrigger.sidecar.xds.XdsConfigApplier;
import dev.outrigger.xds.client.XdsClient;
import dev.outrigger.xds.client.XdsClientStatus;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's connection to its control plane: the gRPC channel (on an event loop of its own,
 * so configuration traffic never competes with requests), the ADS client and the applier that
 * turns resources into running listeners and clusters.
 */
final class XdsRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(XdsRuntime.class);

    private final EventLoopGroup group;
    private final XdsClient client;
    private final XdsConfigApplier applier;
    private final AdsSettings settings;

    private XdsRuntime(EventLoopGroup group, XdsClient client, XdsConfigApplier applier, AdsSettings settings) {
        this.group = group;
        this.client = client;
        this.applier = applier;
        this.settings = settings;
    }

    /** The control plane's address. */
    String target() {
        return settings.target();
    }

    /** The node id sent to it. */
    String nodeId() {
        return settings.options().node().getId();
    }

    /** Opens the ADS stream described by {@code bootstrap.ads()} and applies what it delivers to {@code plane}. */
    static XdsRuntime start(BootstrapConfig bootstrap, DataPlane plane, ProxyMetrics metrics, Transport transport,
            SecretConsumer secrets) {
        AdsSettings ads = bootstrap.ads();
        EventLoopGroup group = transport.newGroup(1, "outrigger-xds-io");
        ManagedChannel channel = NettyChannelBuilder.forAddress(ads.host(), ads.port())
                .eventLoopGroup(group)
                .channelType(transport.socketChannelClass())
                .usePlaintext()
                // Resources can be large (1,000 clusters in one response); Envoy has no limit either.
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .build();
        XdsConfigApplier applier = new XdsConfigApplier(ads.routes(), plane, bootstrap.snapshot().clusters(),
                bootstrap.snapshot().listeners(), bootstrap.server().adminAddress(), ads.listeners(), ads.clusters(),
                metrics.xds(), secrets);
        XdsClient client = new XdsClient(channel, ads.options(), applier.streamEvents());
        XdsTypes types = applier.types();
        if (ads.listeners()) {
            client.watch(types.listeners, applier.listenerWatcher());
        }
        if (ads.clusters()) {
            client.watch(types.clusters, applier.clusterWatcher());
        }
        client.watch(types.endpoints, applier.endpointWatcher());
        client.watch(types.routes, applier.routeWatcher());
        client.watch(types.secrets, applier.secretWatcher());
        applier.start(client::subscribe, ads.options().initialFetchTimeout());
        client.start();
        log.info("ADS ({}) to {} as node '{}'", ads.options().apiType(), ads.target(), ads.options().node().getId());
        return new XdsRuntime(group, client, applier, ads);
    }

    /** The stream's state and each type's versions. */
    XdsClientStatus status() {
        return client.status();
    }

    /** What was received and applied. */
    XdsConfigApplier applier() {
        return applier;
    }

    @Override
    public void close() {
        client.close();
        applier.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
