package dev.outrigger.sidecar.xds;

import dev.outrigger.sidecar.config.XdsTypes;
import dev.outrigger.sidecar.metrics.XdsMetrics;
import dev.outrigger.xds.client.XdsEventListener;
import java.time.Duration;
import java.util.function.Consumer;

/** The ADS stream's events as metrics, and each response's type passed on to the applier. */
final class StreamEvents implements XdsEventListener {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StreamEvents.class);

    private final XdsTypes types;
    private final XdsMetrics metrics;
    private final Consumer<String> responseSeen;

    /** Events for {@code types}; {@code metrics} may be null (tests). */
    StreamEvents(XdsTypes types, XdsMetrics metrics, Consumer<String> responseSeen) {
        this.types = types;
        this.metrics = metrics;
        this.responseSeen = responseSeen;
    }

    @Override
    public void onStreamState(StreamState state) {
        if (metrics != null) {
            metrics.connected(state == StreamState.CONNECTED);
        }
        if (state == StreamState.CONNECTED) {
            log.info("ADS stream connected");
        }
    }

    // Once per attempt: the backoff (up to 30 s) keeps this from flooding the log.
    @Override
    public void onReconnectScheduled(Duration delay, String reason) {
        if (metrics != null) {
            metrics.reconnect();
        }
        log.warn("ADS stream ended ({}); the last good configuration keeps serving; next attempt in {} ms", reason,
                delay.toMillis());
    }

    @Override
    public void onResponse(String typeUrl, int accepted, int rejected, int removed) {
        if (metrics != null) {
            metrics.response(shortName(typeUrl), rejected);
        }
        responseSeen.accept(typeUrl);
    }

    /** {@code listener}, {@code route}, {@code cluster}, {@code endpoints} or {@code secret}. */
    String shortName(String typeUrl) {
        if (typeUrl.equals(types.listeners.typeUrl())) {
            return "listener";
        } else if (typeUrl.equals(types.routes.typeUrl())) {
            return "route";
        } else if (typeUrl.equals(types.clusters.typeUrl())) {
            return "cluster";
        } else if (typeUrl.equals(types.endpoints.typeUrl())) {
            return "endpoints";
        } else if (typeUrl.equals(types.secrets.typeUrl())) {
            return "secret";
        }
        return "other";
    }
}
