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
    /** Types requested on this stream: for them an empty name list means "none", not a wildcard. */
    private final java.util.Set<TypeState<?>> asked = new java.util.HashSet<>();

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
        // A type never asked for on this stream is not asked with an empty list (that would be
        // the legacy wildcard); once asked, an empty list means "no longer interested in any",
        // as xds_protocol says, and the server stops sending the old names.
        if (!handling(type) && (type.requested() || asked.contains(type))) {
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
        // Every response of a type asked for on this stream is ACKed or NACKed, even one that
        // arrives after its last name was unsubscribed (its resources are then ignored).
        if (type.requested() || asked.contains(type)) {
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
        asked.add(type);
        call.send(b.build());
        type.startTimers();
    }
}
