package dev.outrigger.sidecar.listener;

import java.time.Duration;
import java.util.Objects;

/**
 * What a listener inspects in the first bytes of a connection before it picks a filter chain
 * (Envoy's {@code listener_filters}), and how long it waits for them.
 *
 * @param http whether to tell HTTP/1.x and HTTP/2 from other bytes ({@code http_inspector})
 * @param tls whether to recognise a TLS ClientHello ({@code tls_inspector})
 * @param timeout how long to wait for the first bytes ({@code listener_filters_timeout},
 *     Outrigger's default 100 ms); a client silent for that long is taken to be waiting for the
 *     server to speak first, and its connection goes to a chain without application protocol.
 *     {@link Duration#ZERO} means no limit: wait for the first bytes however long they take, as
 *     Envoy does for {@code listener_filters_timeout: 0s}
 */
public record ProtocolDetection(boolean http, boolean tls, Duration timeout) {

    /** Outrigger's default wait for the first bytes: short, as server-speaks-first protocols pay it. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);

    public ProtocolDetection {
        Objects.requireNonNull(timeout, "timeout");
    }
}
