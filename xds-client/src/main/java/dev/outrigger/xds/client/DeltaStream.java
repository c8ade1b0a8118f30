package dev.outrigger.xds.client;

import com.google.rpc.Code;
import dev.outrigger.xds.client.TypeState.Outcome;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A delta ADS stream ({@code DeltaAggregatedResources}): the first request of a type states what
 * the client holds and wants, later ones only what changed.
 */
final class DeltaStream extends AdsStream {

    private static final Logger log = LoggerFactory.getLogger(DeltaStream.class);

    private final Call<DeltaDiscoveryRequest, DeltaDiscoveryResponse> call = new Call<>(this::onResponse);
    // Per type requested on this stream, the names the server was told about; a type is absent
    // until its first request.
    private final Map<String, Set<String>> told = new HashMap<>();

    DeltaStream(AdsController controller) {
        super(controller);
    }

    @Override
    void open() {
        AggregatedDiscoveryServiceGrpc.newStub(controller.channel()).deltaAggregatedResources(call);
        for (TypeState<?> type : controller.types()) {
            typeAdded(type);
        }
    }

    @Override
    void typeAdded(TypeState<?> type) {
        if (type.requested()) {
            DeltaDiscoveryRequest.Builder b = builder(type);
            first(type, b);
            send(type, b);
        }
    }

    @Override
    void subscriptionChanged(TypeState<?> type) {
        if (handling(type)) {
            return;
        }
        DeltaDiscoveryRequest.Builder b = builder(type);
        if (subscriptionDelta(type, b)) {
            send(type, b);
        }
    }

    @Override
    void cancel(String why) {
        call.cancel(why);
    }

    private void onResponse(DeltaDiscoveryResponse response) {
        TypeState<?> type = controller.type(response.getTypeUrl());
        if (type == null) {
            log.warn("ignoring a delta response of type {}, which nothing watches", response.getTypeUrl());
            return;
        }
        type.responded(response.getNonce());
        Instant now = controller.now();
        Outcome outcome = handle(type, () -> type.applyDelta(response.getResourcesList(),
                response.getRemovedResourcesList(), now));
        int rejected = outcome.errors().size();

        DeltaDiscoveryRequest.Builder b = builder(type).setResponseNonce(response.getNonce());
        // A watcher that changed this type's names during the response: the ACK carries the change.
        subscriptionDelta(type, b);
        if (!told.containsKey(type.typeUrl())) {
            // Never requested on this stream and nothing to request: a first request with an
            // empty subscribe list would be read as a wildcard subscription.
            controller.reportResponse(type.typeUrl(), outcome.accepted(), rejected, outcome.removed());
            return;
        }
        if (rejected == 0) {
            type.recordAck(response.getSystemVersionInfo(), now);
        } else {
            String detail = String.join("\n", outcome.errors());
            type.recordNack(response.getSystemVersionInfo(), response.getNonce(), detail, now);
            b.setErrorDetail(com.google.rpc.Status.newBuilder()
                    .setCode(Code.INVALID_ARGUMENT_VALUE)
                    .setMessage(detail));
        }
        send(type, b);
        controller.reportResponse(type.typeUrl(), outcome.accepted(), rejected, outcome.removed());
    }

    private DeltaDiscoveryRequest.Builder builder(TypeState<?> type) {
        return DeltaDiscoveryRequest.newBuilder().setTypeUrl(type.typeUrl());
    }

    /**
     * Fills the type's first request on this stream: the versions held (so a server that reads
     * them need not resend what did not change) and, for a named type, every name. A wildcard
     * type subscribes with an empty list.
     */
    private void first(TypeState<?> type, DeltaDiscoveryRequest.Builder b) {
        b.putAllInitialResourceVersions(type.heldVersions());
        if (!type.wildcard()) {
            b.addAllResourceNamesSubscribe(type.subscribed());
        }
        told.put(type.typeUrl(), new TreeSet<>(type.subscribed()));
    }

    /** Adds what changed in the type's names since the server was last told; false when nothing did. */
    private boolean subscriptionDelta(TypeState<?> type, DeltaDiscoveryRequest.Builder b) {
        Set<String> known = told.get(type.typeUrl());
        if (known == null) {
            if (!type.requested()) {
                return false;
            }
            first(type, b);
            return true;
        }
        if (type.wildcard()) {
            return false;
        }
        Set<String> now = type.subscribed();
        boolean changed = false;
        for (String name : now) {
            if (!known.contains(name)) {
                b.addResourceNamesSubscribe(name);
                changed = true;
            }
        }
        for (String name : known) {
            if (!now.contains(name)) {
                b.addResourceNamesUnsubscribe(name);
                changed = true;
            }
        }
        known.clear();
        known.addAll(now);
        return changed;
    }

    private void send(TypeState<?> type, DeltaDiscoveryRequest.Builder b) {
        if (takeNode()) {
            b.setNode(controller.options().node());
        }
        call.send(b.build());
        type.startTimers();
    }
}
