package dev.outrigger.xds.client;

import com.google.protobuf.Any;
import dev.outrigger.xds.client.ResourceDecoder.Candidate;
import dev.outrigger.xds.client.ResourceDecoder.Decoded;
import dev.outrigger.xds.client.ResourceDecoder.Parsed;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the client knows about one resource type: the subscription, the resources it holds,
 * the version it last ACKed, the nonce to echo and the does-not-exist timers. Confined to the
 * client's executor.
 */
final class TypeState<T> {

    private static final Logger log = LoggerFactory.getLogger(TypeState.class);
    private Instant nackLoggedAt = Instant.MIN;

    private final XdsResourceType<T> type;
    private final XdsResourceWatcher<T> watcher;
    private final AdsController controller;
    private final String label;

    private final Set<String> subscribed = new TreeSet<>();
    private final Map<String, XdsResource<T>> held = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> timers = new HashMap<>();
    // Names the watcher heard do not exist; it hears that once until the resource turns up.
    private final Set<String> reportedMissing = new HashSet<>();

    private String nonce = "";
    private String ackedVersion = "";
    private Instant ackedAt;
    private XdsClientStatus.Nack lastNack;
    private long responses;

    TypeState(XdsResourceType<T> type, XdsResourceWatcher<T> watcher, AdsController controller) {
        this.type = type;
        this.watcher = watcher;
        this.controller = controller;
        this.label = ResourceDecoder.label(type);
    }

    /**
     * What one response did.
     *
     * @param accepted resources applied
     * @param removed resources removed
     * @param errors one line per rejected or refused resource
     */
    record Outcome(int accepted, int removed, List<String> errors) {
    }

    String typeUrl() {
        return type.typeUrl();
    }

    boolean wildcard() {
        return type.wildcard();
    }

    /** The subscribed names, sorted; always empty for a wildcard type. */
    Set<String> subscribed() {
        return Collections.unmodifiableSet(subscribed);
    }

    /** Whether a stream asks for this type at all: a named type with no names is not requested. */
    boolean requested() {
        return wildcard() || !subscribed.isEmpty();
    }

    /** The latest nonce of this type on the current stream, empty before its first response. */
    String nonce() {
        return nonce;
    }

    /** The last ACKed version: state-of-the-world requests send it as {@code version_info}. */
    String ackedVersion() {
        return ackedVersion;
    }

    /** Resource name to version of every resource held, for delta {@code initial_resource_versions}. */
    Map<String, String> heldVersions() {
        Map<String, String> versions = new TreeMap<>();
        held.forEach((name, r) -> versions.put(name, r.version()));
        return versions;
    }

    /** A new stream: nonces of the old one mean nothing to it. */
    void onNewStream() {
        nonce = "";
    }

    /** The stream ended: timers restart on the next one for whatever is still missing. */
    void onStreamEnded() {
        cancelTimers();
    }

    void cancelTimers() {
        timers.values().forEach(f -> f.cancel(false));
        timers.clear();
    }

    /**
     * Replaces the subscribed names; names dropped are forgotten without telling the watcher,
     * which asked for it. Returns whether anything changed.
     */
    boolean setSubscribed(Set<String> names) {
        if (subscribed.equals(names)) {
            return false;
        }
        for (String gone : new ArrayList<>(subscribed)) {
            if (!names.contains(gone)) {
                subscribed.remove(gone);
                held.remove(gone);
                reportedMissing.remove(gone);
                ScheduledFuture<?> timer = timers.remove(gone);
                if (timer != null) {
                    timer.cancel(false);
                }
            }
        }
        subscribed.addAll(names);
        return true;
    }

    /** The type was just requested on a stream: time the names that have not arrived. */
    void startTimers() {
        Duration timeout = controller.initialFetchTimeout();
        if (wildcard() || timeout.isZero() || timeout.isNegative()) {
            return;
        }
        for (String name : subscribed) {
            if (!held.containsKey(name) && !reportedMissing.contains(name) && !timers.containsKey(name)) {
                timers.put(name, controller.schedule(() -> fetchTimedOut(name), timeout));
            }
        }
    }

    private void fetchTimedOut(String name) {
        timers.remove(name);
        if (subscribed.contains(name) && !held.containsKey(name)) {
            reportMissing(name);
        }
    }

    private void reportMissing(String name) {
        ScheduledFuture<?> timer = timers.remove(name);
        if (timer != null) {
            timer.cancel(false);
        }
        if (reportedMissing.add(name)) {
            try {
                watcher.onResourceDoesNotExist(name);
            } catch (RuntimeException e) {
                log.warn("watcher of {} failed on missing resource {}", type.typeUrl(), name, e);
            }
        }
    }

    /** Applies a state-of-the-world response of {@code version}. */
    Outcome applySotw(List<Any> resources, String version, Instant now) {
        List<Candidate> candidates = new ArrayList<>(resources.size());
        for (int i = 0; i < resources.size(); i++) {
            candidates.add(new Candidate(i, "", resources.get(i), version));
        }
        Decoded<T> decoded = ResourceDecoder.decode(type, candidates, this::wanted);
        arrived(decoded.present());

        Map<String, XdsResource<T>> changed = new LinkedHashMap<>();
        decoded.valid().forEach((name, p) -> {
            XdsResource<T> old = held.get(name);
            if (old == null || !old.message().equals(p.message())) {
                changed.put(name, resource(name, p, now));
            }
        });
        Set<String> removed = new LinkedHashSet<>();
        // Absence means deletion only for a wildcard type, and only when every resource of the
        // response could be named: one that could not might be the one that looks absent.
        if (wildcard() && decoded.allNamed()) {
            for (String name : new TreeSet<>(held.keySet())) {
                if (!decoded.present().contains(name)) {
                    removed.add(name);
                }
            }
        }
        return deliver(changed, removed, new ArrayList<>(decoded.errors()));
    }

    /** Applies a delta response. */
    Outcome applyDelta(List<Resource> resources, List<String> removedNames, Instant now) {
        List<Candidate> candidates = new ArrayList<>(resources.size());
        for (int i = 0; i < resources.size(); i++) {
            Resource r = resources.get(i);
            // A resource without a body is a TTL heartbeat; there is nothing to apply.
            if (r.hasResource()) {
                candidates.add(new Candidate(i, r.getName(), r.getResource(), r.getVersion()));
            }
        }
        Decoded<T> decoded = ResourceDecoder.decode(type, candidates, this::wanted);
        arrived(decoded.present());

        Map<String, XdsResource<T>> changed = new LinkedHashMap<>();
        decoded.valid().forEach((name, p) -> changed.put(name, resource(name, p, now)));
        Set<String> removed = new LinkedHashSet<>();
        List<String> missing = new ArrayList<>();
        for (String name : removedNames) {
            if (decoded.present().contains(name)) {
                continue;
            }
            if (held.containsKey(name)) {
                removed.add(name);
            } else if (!wildcard() && subscribed.contains(name)) {
                missing.add(name);
            }
        }
        Outcome outcome = deliver(changed, removed, new ArrayList<>(decoded.errors()));
        missing.forEach(this::reportMissing);
        return outcome;
    }

    private boolean wanted(String name) {
        return wildcard() || subscribed.contains(name);
    }

    private XdsResource<T> resource(String name, Parsed<T> p, Instant now) {
        return new XdsResource<>(name, p.version(), p.value(), p.message(), now);
    }

    private void arrived(Set<String> names) {
        for (String name : names) {
            ScheduledFuture<?> timer = timers.remove(name);
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    private Outcome deliver(Map<String, XdsResource<T>> changed, Set<String> removed, List<String> errors) {
        Map<String, String> refused = Map.of();
        if (!changed.isEmpty() || !removed.isEmpty()) {
            refused = notifyWatcher(changed, removed);
        }
        int accepted = 0;
        for (XdsResource<T> r : changed.values()) {
            String why = refused.get(r.name());
            if (why != null) {
                errors.add(label + " " + ResourceDecoder.quote(r.name()) + ": " + why);
                continue;
            }
            accepted++;
            // The watcher may have unsubscribed the name from inside the callback.
            if (wanted(r.name())) {
                held.put(r.name(), r);
                reportedMissing.remove(r.name());
            }
        }
        removed.forEach(held::remove);
        return new Outcome(accepted, removed.size(), errors);
    }

    private Map<String, String> notifyWatcher(Map<String, XdsResource<T>> changed, Set<String> removed) {
        Map<String, String> refused;
        try {
            refused = watcher.onResourcesChanged(Collections.unmodifiableMap(changed),
                    Collections.unmodifiableSet(removed));
        } catch (RuntimeException e) {
            log.warn("watcher of {} failed; refusing the {} changed resources", type.typeUrl(), changed.size(), e);
            Map<String, String> all = new HashMap<>();
            changed.keySet().forEach(name -> all.put(name, "watcher failed: " + e));
            return all;
        }
        return refused == null ? Map.of() : refused;
    }

    /** A response of this type arrived with {@code nonce}. */
    void responded(String responseNonce) {
        nonce = responseNonce;
        responses++;
    }

    void recordAck(String version, Instant now) {
        ackedVersion = version;
        ackedAt = now;
    }

    void recordNack(String version, String responseNonce, String detail, Instant now) {
        // A server may answer a NACK with the same response at once, again and again: say it
        // once, and again only when the reason changes or a minute has passed.
        if (lastNack == null || !lastNack.detail().equals(detail) || now.isAfter(nackLoggedAt.plusSeconds(60))) {
            log.warn("rejected {} version {} (nonce {}):\n{}", type.typeUrl(), version, responseNonce, detail);
            nackLoggedAt = now;
        } else {
            log.debug("rejected {} version {} again", type.typeUrl(), version);
        }
        lastNack = new XdsClientStatus.Nack(version, responseNonce, detail, now);
    }

    XdsClientStatus.TypeStatus status() {
        return new XdsClientStatus.TypeStatus(type.typeUrl(), wildcard(), subscribed, held.size(), ackedVersion,
                ackedAt, lastNack, responses);
    }
}
