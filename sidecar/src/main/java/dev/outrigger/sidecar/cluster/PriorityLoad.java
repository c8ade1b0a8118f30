package dev.outrigger.sidecar.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * How a cluster's traffic divides between its priority levels, as Envoy computes it. Each level
 * has a health: the share of its endpoints that are healthy, times the overprovisioning factor
 * (1.4), capped at 100 %; degraded endpoints give it a degraded health the same way. Traffic goes
 * to the highest priority first, as much as its health allows, and the rest spills over to the
 * next levels; when all levels together are under 100 %, their loads are scaled up. A level whose
 * healthy and degraded endpoints are under the panic threshold (50 %) of all its endpoints is in
 * panic: it balances across all its endpoints, whatever their health, rather than overload the
 * few healthy ones (never when the levels together are 100 % healthy). When nothing is available
 * anywhere, every level is in panic and gets traffic in proportion to its size.
 *
 * <p>An endpoint is healthy when EDS (or the static configuration) reports it HEALTHY or UNKNOWN
 * and neither active health checking nor outlier detection holds it out; degraded when EDS
 * reports DEGRADED and nothing holds it out.
 */
final class PriorityLoad {

    /** Envoy's default overprovisioning factor, in percent. */
    static final int OVERPROVISIONING = 140;
    /** Envoy's default {@code healthy_panic_threshold}, in percent. */
    static final int PANIC_THRESHOLD = 50;

    /** One priority level: its endpoints, healthy and degraded ones, loads in percent, and whether it panics. */
    record Level(int priority, List<EndpointState> all, List<EndpointState> healthy, List<EndpointState> degraded,
            int healthyLoad, int degradedLoad, boolean panic) {
    }

    private PriorityLoad() {
    }

    /** The levels of {@code endpoints}, highest priority (lowest number) first, with their loads. */
    static List<Level> of(List<EndpointState> endpoints) {
        java.util.TreeMap<Integer, List<EndpointState>> byPriority = new java.util.TreeMap<>();
        for (EndpointState e : endpoints) {
            byPriority.computeIfAbsent(e.config().priority(), p -> new ArrayList<>()).add(e);
        }
        int n = byPriority.size();
        List<List<EndpointState>> all = new ArrayList<>(byPriority.values());
        List<List<EndpointState>> healthy = new ArrayList<>(n);
        List<List<EndpointState>> degraded = new ArrayList<>(n);
        int[] health = new int[n];
        int[] degradedHealth = new int[n];
        int totalAvailability = 0;
        for (int i = 0; i < n; i++) {
            List<EndpointState> h = new ArrayList<>();
            List<EndpointState> d = new ArrayList<>();
            for (EndpointState e : all.get(i)) {
                if (!e.isAvailable()) {
                    continue;
                }
                if (e.config().health().servesTraffic()) {
                    h.add(e);
                } else if (e.config().health() == EndpointConfig.HealthStatus.DEGRADED) {
                    d.add(e);
                }
            }
            healthy.add(h);
            degraded.add(d);
            int size = all.get(i).size();
            health[i] = (int) Math.min(100, (long) OVERPROVISIONING * h.size() / size);
            degradedHealth[i] = (int) Math.min(100, (long) OVERPROVISIONING * d.size() / size);
            totalAvailability += health[i] + degradedHealth[i];
        }
        totalAvailability = Math.min(100, totalAvailability);
        int[] healthyLoad = new int[n];
        int[] degradedLoad = new int[n];
        boolean[] panic = new boolean[n];
        if (totalAvailability == 0) {
            // Nothing available: every level panics and takes traffic in proportion to its size.
            int remaining = 100;
            for (int i = 0; i < n; i++) {
                panic[i] = true;
                healthyLoad[i] = Math.min(remaining, 100 * all.get(i).size() / endpoints.size());
                remaining -= healthyLoad[i];
            }
            if (n > 0) {
                healthyLoad[0] += remaining;
            }
        } else {
            int remaining = 100;
            for (int i = 0; i < n; i++) {
                healthyLoad[i] = Math.min(remaining, health[i] * 100 / totalAvailability);
                remaining -= healthyLoad[i];
            }
            for (int i = 0; i < n; i++) {
                degradedLoad[i] = Math.min(remaining, degradedHealth[i] * 100 / totalAvailability);
                remaining -= degradedLoad[i];
            }
            // Rounding leftovers go to the first level with anything available, as in Envoy.
            for (int i = 0; i < n && remaining > 0; i++) {
                if (health[i] > 0) {
                    healthyLoad[i] += remaining;
                    remaining = 0;
                } else if (degradedHealth[i] > 0) {
                    degradedLoad[i] += remaining;
                    remaining = 0;
                }
            }
            for (int i = 0; i < n; i++) {
                int available = healthy.get(i).size() + degraded.get(i).size();
                panic[i] = totalAvailability != 100 && 100L * available < (long) PANIC_THRESHOLD * all.get(i).size();
            }
        }
        List<Level> levels = new ArrayList<>(n);
        int i = 0;
        for (Integer priority : byPriority.keySet()) {
            levels.add(new Level(priority, List.copyOf(all.get(i)), List.copyOf(healthy.get(i)),
                    List.copyOf(degraded.get(i)), healthyLoad[i], degradedLoad[i], panic[i]));
            i++;
        }
        return levels;
    }
}
