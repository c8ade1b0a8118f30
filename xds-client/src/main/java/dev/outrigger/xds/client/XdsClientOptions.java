package dev.outrigger.xds.client;

import io.envoyproxy.envoy.config.core.v3.Node;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link XdsClient} talks to its control plane.
 *
 * @param node sent on the first request of every stream
 * @param apiType state-of-the-world or delta
 * @param initialFetchTimeout how long a subscribed resource may take to arrive before the watcher
 *     hears it does not exist (Envoy's {@code initial_fetch_timeout}, 15 s by default); zero disables
 * @param backoffBase the first reconnect delay
 * @param backoffMax the largest reconnect delay
 * @param nodeOnFirstRequestOnly send the node on a stream's first request only (Envoy's
 *     {@code set_node_on_first_message_only}); by default every request carries it
 */
public record XdsClientOptions(Node node, ApiType apiType, Duration initialFetchTimeout, Duration backoffBase,
        Duration backoffMax, boolean nodeOnFirstRequestOnly) {

    /** Envoy's default {@code initial_fetch_timeout}. */
    public static final Duration DEFAULT_INITIAL_FETCH_TIMEOUT = Duration.ofSeconds(15);
    /** First reconnect delay, as Envoy's gRPC streams use. */
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(500);
    /** Largest reconnect delay, as Envoy's gRPC streams use. */
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);

    /** Options that send the node on every request. */
    public XdsClientOptions(Node node, ApiType apiType, Duration initialFetchTimeout, Duration backoffBase,
            Duration backoffMax) {
        this(node, apiType, initialFetchTimeout, backoffBase, backoffMax, false);
    }

    /** These options with the node sent on the first request of a stream only, or on every one. */
    public XdsClientOptions withNodeOnFirstRequestOnly(boolean value) {
        return new XdsClientOptions(node, apiType, initialFetchTimeout, backoffBase, backoffMax, value);
    }

    public XdsClientOptions {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(apiType, "apiType");
        Objects.requireNonNull(initialFetchTimeout, "initialFetchTimeout");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
        if (backoffBase.isNegative() || backoffBase.isZero() || backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max, got " + backoffBase + ", " + backoffMax);
        }
    }

    /** Options with Envoy's defaults for timeouts and backoff. */
    public static XdsClientOptions of(Node node, ApiType apiType) {
        return new XdsClientOptions(node, apiType, DEFAULT_INITIAL_FETCH_TIMEOUT, DEFAULT_BACKOFF_BASE,
                DEFAULT_BACKOFF_MAX);
    }
}
