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

    /**
     * What is known of one name: the version serving and a newer one that warms or failed.
     *
     * @param active the version serving, or null
     * @param pending a newer version not serving yet (warming, or failed with its error), or null
     */
    public record Versions(Entry active, Entry pending) {
    }

    private final Map<Kind, Map<String, Versions>> entries = new ConcurrentHashMap<>();

    /** {@code resource} arrived; the version serving (if any) stays until it is applied. */
    public void received(Kind kind, XdsResource<?> resource) {
        Entry e = new Entry(resource.name(), resource.version(), resource.message(), resource.receivedAt(), null, null);
        byKind(kind).compute(resource.name(), (n, v) -> new Versions(v == null ? null : v.active(), e));
    }

    /** The newest version of {@code name} serves from {@code at}; returns it, or null if none was pending. */
    public Entry applied(Kind kind, String name, Instant at) {
        Versions v = byKind(kind).computeIfPresent(name, (n, old) -> old.pending() == null ? old
                : new Versions(new Entry(n, old.pending().version(), old.pending().message(),
                        old.pending().receivedAt(), at, null), null));
        return v == null ? null : v.active();
    }

    /** The newest version of {@code name} could not be applied; the version serving stays. */
    public void failed(Kind kind, String name, String error) {
        byKind(kind).computeIfPresent(name, (n, old) -> old.pending() == null ? old
                : new Versions(old.active(), new Entry(n, old.pending().version(), old.pending().message(),
                        old.pending().receivedAt(), null, error)));
    }

    /** {@code name} is gone. */
    public void removed(Kind kind, String name) {
        byKind(kind).remove(name);
    }

    /** The newest entry of {@code name} (pending if any, else active), or null. */
    public Entry get(Kind kind, String name) {
        Versions v = byKind(kind).get(name);
        return v == null ? null : v.pending() != null ? v.pending() : v.active();
    }

    /** Both versions of every name of {@code kind}, by name. */
    public List<Versions> all(Kind kind) {
        return byKind(kind).entrySet().stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue)
                .toList();
    }

    private Map<String, Versions> byKind(Kind kind) {
        return entries.computeIfAbsent(kind, k -> new ConcurrentHashMap<>());
    }
}
