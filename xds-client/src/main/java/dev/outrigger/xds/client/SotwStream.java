package dev.outrigger.xds.client;

import com.google.rpc.Code;
import dev.outrigger.xds.client.TypeState.Outcome;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A state-of-the-world ADS stream ({@code StreamAggregatedResources}): every request of a type
 * states its whole subscription, the version last accepted and the nonce last seen.
 */
final class SotwStream extends AdsStream {

    private static final Logger log = LoggerFactory.getLogger(SotwStream.class);

    private final Call<DiscoveryRequest, DiscoveryResponse> call = new Call<>(this::onResponse);

    SotwStream(AdsController controller) {
        super(controller);
    }

    @Override
    void open() {
        AggregatedDiscoveryServiceGrpc.newStub(controller.channel()).streamAggregatedResources(call);
        for (TypeState<?> type : controller.types()) {
            if (type.requested()) {
                request(type, null);
            }
        }
    }

    @Override
    void typeAdded(TypeState<?> type) {
        if (type.requested()) {
            request(type, null);
        }
    }

    @Override
    void subscriptionChanged(TypeState<?> type) {
        // An empty resource_names would ask for every resource of the type (a wildcard), so a
        // named type whose last name went away sends nothing; its resources are forgotten.
        if (!handling(type) && type.requested()) {
            request(type, null);
        }
    }

    @Override
    void cancel(String why) {
        call.cancel(why);
    }

    private void onResponse(DiscoveryResponse response) {
        TypeState<?> type = controller.type(response.getTypeUrl());
        if (type == null) {
            log.warn("ignoring a response of type {}, which nothing watches", response.getTypeUrl());
            return;
        }
        type.responded(response.getNonce());
        Instant now = controller.now();
        Outcome outcome = handle(type,
                () -> type.applySotw(response.getResourcesList(), response.getVersionInfo(), now));
        int rejected = outcome.errors().size();
        // Without names the type has no request to send (see subscriptionChanged); the nonce is
        // kept for the request that names resources again.
        if (type.requested()) {
            if (rejected == 0) {
                type.recordAck(response.getVersionInfo(), now);
                request(type, null);
            } else {
                String detail = String.join("\n", outcome.errors());
                type.recordNack(response.getVersionInfo(), response.getNonce(), detail, now);
                request(type, detail);
            }
        }
        controller.reportResponse(type.typeUrl(), outcome.accepted(), rejected, outcome.removed());
    }

    /** Sends the type's request: an ACK when {@code errorDetail} is null, a NACK otherwise. */
    private void request(TypeState<?> type, String errorDetail) {
        DiscoveryRequest.Builder b = DiscoveryRequest.newBuilder()
                .setTypeUrl(type.typeUrl())
                .setVersionInfo(type.ackedVersion())
                .setResponseNonce(type.nonce());
        if (!type.wildcard()) {
            b.addAllResourceNames(type.subscribed());
        }
        if (errorDetail != null) {
            b.setErrorDetail(com.google.rpc.Status.newBuilder()
                    .setCode(Code.INVALID_ARGUMENT_VALUE)
                    .setMessage(errorDetail));
        }
        if (takeNode()) {
            b.setNode(controller.options().node());
        }
        call.send(b.build());
        type.startTimers();
    }
}
