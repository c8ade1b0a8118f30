package dev.outrigger.xds.client;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * java-control-plane's own server ({@link V3DiscoveryServer} over a {@link SimpleCache}) on a
 * loopback port, recording every request and response it sees.
 */
final class ControlPlane implements AutoCloseable {

    // Grouped by node id, as real control planes do: SimpleCache hashes the node of every
    // request, so this also proves the client sends the node on every request by default.
    private static final String GROUP = XdsClientScenariosTest.NODE_ID;

    private final SimpleCache<String> cache = new SimpleCache<>(node -> node.getId());
    private final List<Seen> requests = new CopyOnWriteArrayList<>();
    private final List<Seen.Sent> responses = new CopyOnWriteArrayList<>();
    private final List<Long> opened = new CopyOnWriteArrayList<>();
    private final Server server;

    private ControlPlane(int port) throws IOException {
        V3DiscoveryServer discovery = new V3DiscoveryServer(new Recorder(), cache);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(discovery.getAggregatedDiscoveryServiceImpl())
                .build()
                .start();
    }

    /** A server on {@code port}, 0 for any. */
    static ControlPlane start(int port) throws IOException {
        return new ControlPlane(port);
    }

    int port() {
        return server.getPort();
    }

    void set(Snapshot snapshot) {
        cache.setSnapshot(GROUP, snapshot);
    }

    /** Every request received so far, in order. */
    List<Seen> requests() {
        return List.copyOf(requests);
    }

    List<Seen> requests(String typeUrl) {
        return requests.stream().filter(r -> r.typeUrl().equals(typeUrl)).collect(Collectors.toList());
    }

    boolean anyRequest(String typeUrl, Predicate<Seen> p) {
        return requests(typeUrl).stream().anyMatch(p);
    }

    List<Seen.Sent> responses(String typeUrl) {
        return responses.stream().filter(r -> r.typeUrl().equals(typeUrl)).collect(Collectors.toList());
    }

    /** Stream ids in the order the streams were opened. */
    List<Long> streams() {
        return List.copyOf(opened);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Recorder implements DiscoveryServerCallbacks {

        @Override
        public void onStreamOpen(long streamId, String typeUrl) {
            opened.add(streamId);
        }

        @Override
        public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
            requests.add(Seen.of(streamId, request));
        }

        @Override
        public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
            requests.add(Seen.of(streamId, request));
        }

        @Override
        public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
            List<String> names = response.getResourcesList().stream()
                    .map(any -> Resources.getResourceName(any))
                    .collect(Collectors.toList());
            responses.add(new Seen.Sent(streamId, response.getTypeUrl(), response.getVersionInfo(),
                    response.getNonce(), names, List.of()));
        }

        @Override
        public void onV3StreamDeltaResponse(long streamId, DeltaDiscoveryRequest request,
                DeltaDiscoveryResponse response) {
            responses.add(new Seen.Sent(streamId, response.getTypeUrl(), response.getSystemVersionInfo(),
                    response.getNonce(),
                    response.getResourcesList().stream().map(Resource::getName).collect(Collectors.toList()),
                    List.copyOf(response.getRemovedResourcesList())));
        }
    }
}
