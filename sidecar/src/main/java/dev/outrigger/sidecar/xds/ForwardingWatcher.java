package dev.outrigger.sidecar.xds;

import dev.outrigger.xds.client.XdsResource;
import dev.outrigger.xds.client.XdsResourceWatcher;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A watcher that forwards to two methods of the applier: one for changes, one for a resource
 * that does not exist.
 *
 * @param changes receives changed and removed resources, returns the refused ones
 * @param missing receives the name of a resource that does not exist
 * @param <T> the parsed type
 */
record ForwardingWatcher<T>(ForwardingWatcher.Changes<T> changes, Consumer<String> missing)
        implements XdsResourceWatcher<T> {

    @Override
    public Map<String, String> onResourcesChanged(Map<String, XdsResource<T>> changed, Set<String> removed) {
        return changes.apply(changed, removed);
    }

    @Override
    public void onResourceDoesNotExist(String name) {
        missing.accept(name);
    }

    /** What handles a response's changes. */
    @FunctionalInterface
    interface Changes<T> {

        /** Applies {@code changed} and {@code removed}; returns refused names with the reason. */
        Map<String, String> apply(Map<String, XdsResource<T>> changed, Set<String> removed);
    }
}
