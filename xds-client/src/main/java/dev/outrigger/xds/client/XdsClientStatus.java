package dev.outrigger.xds.client;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an {@link XdsClient} knows about its stream and each subscribed type, for
 * {@code /config_status}. Immutable.
 *
 * @param apiType the stream variant
 * @param state the stream's state
 * @param stateSince when it entered that state
 * @param streamsOpened streams opened since start (1 + reconnects)
 * @param lastStreamError why the last stream ended, or null
 * @param types one entry per subscribed type
 */
public record XdsClientStatus(ApiType apiType, XdsEventListener.StreamState state, Instant stateSince,
        long streamsOpened, String lastStreamError, List<TypeStatus> types) {

    public XdsClientStatus {
        Objects.requireNonNull(apiType, "apiType");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(stateSince, "stateSince");
        types = List.copyOf(types);
    }

    /**
     * One type's subscription and its last outcome.
     *
     * @param typeUrl the type
     * @param wildcard subscribed with a wildcard
     * @param subscribed the names subscribed (empty for a wildcard)
     * @param resourceCount resources held now
     * @param ackedVersion the last version ACKed (state-of-the-world {@code version_info}; delta
     *     {@code system_version_info}), empty before the first ACK
     * @param ackedAt when it was ACKed, or null
     * @param lastNack the last NACK, or null when the type was never NACKed
     * @param responses responses received for the type
     */
    public record TypeStatus(String typeUrl, boolean wildcard, Set<String> subscribed, int resourceCount,
            String ackedVersion, Instant ackedAt, Nack lastNack, long responses) {

        public TypeStatus {
            Objects.requireNonNull(typeUrl, "typeUrl");
            subscribed = Set.copyOf(subscribed);
            Objects.requireNonNull(ackedVersion, "ackedVersion");
        }
    }

    /**
     * A rejected response.
     *
     * @param version the version the response carried
     * @param nonce its nonce
     * @param detail the {@code error_detail} message sent back
     * @param at when it was NACKed
     */
    public record Nack(String version, String nonce, String detail, Instant at) {

        public Nack {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(nonce, "nonce");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(at, "at");
        }
    }
}
