package dev.outrigger.xds.client;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request as a server received it, state-of-the-world and delta alike, so one scenario can
 * assert on both.
 *
 * @param stream the server's stream id
 * @param typeUrl the type
 * @param hasNode whether the node was set
 * @param nodeId the node id, empty when no node was set
 * @param version state-of-the-world {@code version_info}; empty in delta
 * @param nonce {@code response_nonce}
 * @param names state-of-the-world {@code resource_names}; empty in delta
 * @param subscribe delta {@code resource_names_subscribe}
 * @param unsubscribe delta {@code resource_names_unsubscribe}
 * @param initialVersions delta {@code initial_resource_versions}
 * @param error the {@code error_detail} message, or null for an ACK or a plain request
 * @param errorCode the {@code error_detail} code
 */
record Seen(long stream, String typeUrl, boolean hasNode, String nodeId, String version, String nonce,
        List<String> names, List<String> subscribe, List<String> unsubscribe, Map<String, String> initialVersions,
        String error, int errorCode) {

    static Seen of(long stream, DiscoveryRequest r) {
        return new Seen(stream, r.getTypeUrl(), r.hasNode(), r.getNode().getId(), r.getVersionInfo(),
                r.getResponseNonce(), List.copyOf(r.getResourceNamesList()), List.of(), List.of(), Map.of(),
                r.hasErrorDetail() ? r.getErrorDetail().getMessage() : null, r.getErrorDetail().getCode());
    }

    static Seen of(long stream, DeltaDiscoveryRequest r) {
        return new Seen(stream, r.getTypeUrl(), r.hasNode(), r.getNode().getId(), "", r.getResponseNonce(),
                List.of(), List.copyOf(r.getResourceNamesSubscribeList()),
                List.copyOf(r.getResourceNamesUnsubscribeList()),
                new TreeMap<>(r.getInitialResourceVersionsMap()),
                r.hasErrorDetail() ? r.getErrorDetail().getMessage() : null, r.getErrorDetail().getCode());
    }

    boolean nack() {
        return error != null;
    }

    /**
     * A response as the server sent it.
     *
     * @param stream the server's stream id
     * @param typeUrl the type
     * @param version {@code version_info} or {@code system_version_info}
     * @param nonce its nonce
     * @param names the names of the resources it carried (delta: {@code Resource.name})
     * @param removed delta {@code removed_resources}
     */
    record Sent(long stream, String typeUrl, String version, String nonce, List<String> names,
            List<String> removed) {
    }
}
