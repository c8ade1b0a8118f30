package dev.outrigger.sidecar.xds;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * java-control-plane's own xDS server ({@link V3DiscoveryServer} over a {@link SimpleCache}
 * grouped by node id) on a loopback port, recording the requests sidecars send: what a mesh's
 * control plane does, in the test.
 */
final class TestControlPlane implements AutoCloseable {

    /**
     * One request as the server saw it.
     *
     * @param typeUrl its type
     * @param names SotW resource_names, or delta resource_names_subscribe
     * @param unsubscribe delta resource_names_unsubscribe
     * @param nackDetail the error_detail message of a NACK, or null
     * @param initialVersions names in delta initial_resource_versions
     */
    record Request(String typeUrl, List<String> names, List<String> unsubscribe, String nackDetail,
            List<String> initialVersions) {
    }

    private final SimpleCache<String> cache = new SimpleCache<>(node -> node.getId());
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger streams = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean killNext = new java.util.concurrent.atomic.AtomicBoolean();
    private final Server server;

    private TestControlPlane(int port) throws IOException {
        V3DiscoveryServer discovery = new V3DiscoveryServer(new Recorder(), cache);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(discovery.getAggregatedDiscoveryServiceImpl())
                .maxInboundMessageSize(64 << 20)
                .build()
                .start();
    }

    /** A server on {@code port}, 0 for any free one. */
    static TestControlPlane start(int port) throws IOException {
        return new TestControlPlane(port);
    }

    int port() {
        return server.getPort();
    }

    /** Serves {@code snapshot} to the node {@code nodeId}. */
    void set(String nodeId, Snapshot snapshot) {
        cache.setSnapshot(nodeId, snapshot);
    }

    /** Every request so far. */
    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The next request a sidecar sends ends its stream with UNAVAILABLE; the server stays up. */
    void killNextStream() {
        killNext.set(true);
    }

    /** Streams opened so far. */
    int streams() {
        return streams.get();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Recorder implements DiscoveryServerCallbacks {

        @Override
        public void onStreamOpen(long streamId, String typeUrl) {
            streams.incrementAndGet();
        }

        private void maybeKill() throws RequestException {
            if (killNext.getAndSet(false)) {
                throw new RequestException(io.grpc.Status.UNAVAILABLE.withDescription("killed by the test"));
            }
        }

        @Override
        public void onV3StreamRequest(long streamId, DiscoveryRequest r) throws RequestException {
            maybeKill();
            requests.add(new Request(r.getTypeUrl(), r.getResourceNamesList(), List.of(),
                    r.hasErrorDetail() ? r.getErrorDetail().getMessage() : null, List.of()));
        }

        @Override
        public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest r) throws RequestException {
            maybeKill();
            requests.add(new Request(r.getTypeUrl(), r.getResourceNamesSubscribeList(),
                    r.getResourceNamesUnsubscribeList(), r.hasErrorDetail() ? r.getErrorDetail().getMessage() : null,
                    List.copyOf(r.getInitialResourceVersionsMap().keySet())));
        }
    }
}
