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
 */
public record XdsClientOptions(Node node, ApiType apiType, Duration initialFetchTimeout, Duration backoffBase,
        Duration backoffMax) {

    /** Envoy's default {@code initial_fetch_timeout}. */
    public static final Duration DEFAULT_INITIAL_FETCH_TIMEOUT = Duration.ofSeconds(15);
    /** First reconnect delay, as Envoy's gRPC streams use. */
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(500);
    /** Largest reconnect delay, as Envoy's gRPC streams use. */
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);

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
