package dev.outrigger.xds.client;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * An ADS server that answers nothing by itself: the test sends whatever responses it likes on
 * the latest stream, including ones no real control plane would build.
 */
final class ScriptedAds extends AggregatedDiscoveryServiceImplBase implements AutoCloseable {

    private final List<Seen> requests = new CopyOnWriteArrayList<>();
    private final Server server;
    private volatile StreamObserver<DiscoveryResponse> sotw;
    private volatile StreamObserver<DeltaDiscoveryResponse> delta;

    ScriptedAds() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this).build().start();
    }

    int port() {
        return server.getPort();
    }

    List<Seen> requests(String typeUrl) {
        return requests.stream().filter(r -> r.typeUrl().equals(typeUrl)).collect(Collectors.toList());
    }

    synchronized void send(DiscoveryResponse response) {
        sotw.onNext(response);
    }

    synchronized void send(DeltaDiscoveryResponse response) {
        delta.onNext(response);
    }

    @Override
    public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> responses) {
        sotw = responses;
        return new Inbound<>(responses) {
            @Override
            public void onNext(DiscoveryRequest r) {
                requests.add(Seen.of(0, r));
            }
        };
    }

    @Override
    public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
            StreamObserver<DeltaDiscoveryResponse> responses) {
        delta = responses;
        return new Inbound<>(responses) {
            @Override
            public void onNext(DeltaDiscoveryRequest r) {
                requests.add(Seen.of(0, r));
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    private abstract static class Inbound<Q, P> implements StreamObserver<Q> {
        private final StreamObserver<P> responses;

        Inbound(StreamObserver<P> responses) {
            this.responses = responses;
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
            responses.onCompleted();
        }
    }
}
