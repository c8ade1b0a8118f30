package dev.outrigger.sidecar.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Creates the load balancer a cluster's {@link LbPolicy} asks for, over the endpoints that may serve. */
public final class LoadBalancers {

    private LoadBalancers() {
    }

    /**
     * A balancer for {@code policy} (every {@link LbPolicy} has one) over the endpoints that may take requests:
     * not failing active health checks nor ejected as outliers, and reported healthy (or of
     * unknown health) at the highest priority that has any; when none is healthy
     * anywhere, the degraded ones of the highest priority that has any. Full priority and
     * locality handling (spill-over, panic threshold) is left to later.
     */
    public static LoadBalancer create(LbPolicy policy, List<EndpointState> endpoints) {
        List<EndpointState> serving = serving(endpoints);
        if (policy instanceof LbPolicy.RingHash r) {
            return new RingHashLoadBalancer(serving, r.minRingSize(), r.maxRingSize());
        }
        if (policy instanceof LbPolicy.Maglev m) {
            return new MaglevLoadBalancer(serving, m.tableSize());
        }
        if (policy instanceof LbPolicy.LeastRequest l) {
            return new LeastRequestLoadBalancer(serving, l.choiceCount(), l.activeRequestBias());
        }
        if (policy instanceof LbPolicy.PeakEwma p) {
            return new PeakEwmaLoadBalancer(serving, p.decay(), p.defaultRtt());
        }
        if (policy instanceof LbPolicy.Random) {
            return new RandomLoadBalancer(serving);
        }
        return new RoundRobinLoadBalancer(serving);
    }

    static List<EndpointState> serving(List<EndpointState> endpoints) {
        List<EndpointState> best = pick(endpoints, true);
        return best.isEmpty() ? pick(endpoints, false) : best;
    }

    private static List<EndpointState> pick(List<EndpointState> endpoints, boolean healthy) {
        List<EndpointState> out = new ArrayList<>();
        int priority = Integer.MAX_VALUE;
        for (EndpointState e : endpoints) {
            EndpointConfig c = e.config();
            boolean ok = e.isAvailable()
                    && (healthy ? c.health().servesTraffic() : c.health() == EndpointConfig.HealthStatus.DEGRADED);
            if (!ok || c.priority() > priority) {
                continue;
            }
            if (c.priority() != priority) {
                out.clear();
                priority = c.priority();
            }
            out.add(e);
        }
        return out;
    }

    /**
     * Runtime state for each configured endpoint, reusing the state of an endpoint already in
     * {@code previous} (same address and port) so its counters and pooled connections survive.
     */
    public static List<EndpointState> endpointStates(List<EndpointConfig> configs, List<EndpointState> previous) {
        Map<String, EndpointState> byAddress = new LinkedHashMap<>();
        for (EndpointState e : previous) {
            byAddress.put(e.hostPort(), e);
        }
        List<EndpointState> states = new ArrayList<>(configs.size());
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (EndpointConfig c : configs) {
            if (seen.put(c.hostPort(), Boolean.TRUE) != null) {
                continue; // the translator rejects duplicates; a second entry would only skew weights
            }
            EndpointState state = byAddress.get(c.hostPort());
            if (state == null) {
                state = new EndpointState(c);
            } else {
                state.update(c);
            }
            states.add(state);
        }
        return List.copyOf(states);
    }
}
