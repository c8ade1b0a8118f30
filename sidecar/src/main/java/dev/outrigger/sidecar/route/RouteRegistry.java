package dev.outrigger.sidecar.route;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The RDS route configurations listeners refer to, one {@link DynamicRoutes} per name, shared by
 * every connection manager that names it. Written by the configuration thread; the data path
 * only reads the {@link DynamicRoutes} it was given.
 */
public final class RouteRegistry {

    private final ConcurrentHashMap<String, DynamicRoutes> byName = new ConcurrentHashMap<>();

    /** The source for {@code name}, created (empty, waiting) on first reference. */
    public DynamicRoutes routes(String name) {
        return byName.computeIfAbsent(name, DynamicRoutes::new);
    }

    /** The source for {@code name}, or null if nothing refers to it. */
    public DynamicRoutes find(String name) {
        return byName.get(name);
    }

    /** Forgets every configuration not in {@code referenced}. */
    public void retainOnly(Set<String> referenced) {
        byName.keySet().retainAll(referenced);
    }

    /** Every configuration referred to, by name order. */
    public Collection<DynamicRoutes> all() {
        List<DynamicRoutes> all = new java.util.ArrayList<>(byName.values());
        all.sort((a, b) -> a.name().compareTo(b.name()));
        return all;
    }
}
