package dev.outrigger.xds.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A watcher that keeps what it was told (a view of the applied resources, every call) and can
 * refuse resources. Safe to read from the test thread.
 */
final class RecordingWatcher implements XdsResourceWatcher<String> {

    /** One onResourcesChanged call. */
    record Change(Map<String, XdsResource<String>> changed, Set<String> removed) {
    }

    private final List<Change> changes = new ArrayList<>();
    private final List<String> missing = new ArrayList<>();
    private final Map<String, String> view = new TreeMap<>();
    private final List<String> threads = new ArrayList<>();
    private volatile Function<String, String> refusal = name -> null;
    private volatile Runnable onCall = () -> { };

    /** Refuses the resources for which {@code why} returns a reason. */
    RecordingWatcher refusing(Function<String, String> why) {
        this.refusal = why;
        return this;
    }

    /** Runs {@code r} at every callback, before recording it. */
    RecordingWatcher onCall(Runnable r) {
        this.onCall = r;
        return this;
    }

    @Override
    public Map<String, String> onResourcesChanged(Map<String, XdsResource<String>> changed, Set<String> removed) {
        onCall.run();
        Map<String, String> refused = new HashMap<>();
        synchronized (this) {
            threads.add(Thread.currentThread().getName());
            changes.add(new Change(Map.copyOf(changed), Set.copyOf(removed)));
            changed.forEach((name, r) -> {
                String why = refusal.apply(name);
                if (why != null) {
                    refused.put(name, why);
                } else {
                    view.put(name, r.value());
                }
            });
            removed.forEach(view::remove);
        }
        return refused;
    }

    @Override
    public void onResourceDoesNotExist(String name) {
        onCall.run();
        synchronized (this) {
            threads.add(Thread.currentThread().getName());
            missing.add(name);
        }
    }

    /** The applied resources, name to parsed value. */
    synchronized Map<String, String> view() {
        return new TreeMap<>(view);
    }

    synchronized List<Change> changes() {
        return new ArrayList<>(changes);
    }

    synchronized List<String> missing() {
        return new ArrayList<>(missing);
    }

    synchronized List<String> threads() {
        return new ArrayList<>(threads);
    }

    /** Every name ever delivered in {@code removed}. */
    synchronized List<String> removedNames() {
        List<String> out = new ArrayList<>();
        changes.forEach(c -> out.addAll(c.removed()));
        return out;
    }

    synchronized int calls() {
        return changes.size() + missing.size();
    }
}
