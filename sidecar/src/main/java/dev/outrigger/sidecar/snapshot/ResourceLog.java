package dev.outrigger.sidecar.snapshot;

import com.google.protobuf.Message;
import dev.outrigger.xds.client.XdsResource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What happened to each dynamic resource: the version held, when it arrived, when it was
 * applied (null while it warms), and the last error. What {@code /config_dump} shows; written
 * by the configuration thread, read by the admin endpoint.
 */
public final class ResourceLog {

    /**
     * One resource's record.
     *
     * @param name its name
     * @param version the version held
     * @param message the resource as received
     * @param receivedAt when it arrived
     * @param appliedAt when it started serving, or null while it warms
     * @param error why it is not serving (a failed bind, say), or null
     */
    public record Entry(String name, String version, Message message, Instant receivedAt, Instant appliedAt,
            String error) {

        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(receivedAt, "receivedAt");
        }

        /** Whether it is serving. */
        public boolean applied() {
            return appliedAt != null;
        }
    }

    /** Resource kinds, in the order {@code /config_dump} shows them. */
    public enum Kind { CLUSTER, ENDPOINTS, LISTENER, ROUTE, SECRET }

    private final Map<Kind, Map<String, Entry>> entries = new ConcurrentHashMap<>();

    /** {@code resource} arrived and is not serving yet. */
    public void received(Kind kind, XdsResource<?> resource) {
        byKind(kind).put(resource.name(), new Entry(resource.name(), resource.version(), resource.message(),
                resource.receivedAt(), null, null));
    }

    /** The held version of {@code name} now serves; returns its entry, or null if none is held. */
    public Entry applied(Kind kind, String name, Instant at) {
        return byKind(kind).computeIfPresent(name, (n, e) -> e.applied() ? e
                : new Entry(e.name(), e.version(), e.message(), e.receivedAt(), at, null));
    }

    /** The held version of {@code name} could not be applied. */
    public void failed(Kind kind, String name, String error) {
        byKind(kind).computeIfPresent(name, (n, e) -> new Entry(e.name(), e.version(), e.message(), e.receivedAt(),
                null, error));
    }

    /** {@code name} is gone. */
    public void removed(Kind kind, String name) {
        byKind(kind).remove(name);
    }

    /** The entry of {@code name}, or null. */
    public Entry get(Kind kind, String name) {
        return byKind(kind).get(name);
    }

    /** Every entry of {@code kind}, by name. */
    public List<Entry> all(Kind kind) {
        return byKind(kind).values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    private Map<String, Entry> byKind(Kind kind) {
        return entries.computeIfAbsent(kind, k -> new ConcurrentHashMap<>());
    }
}
