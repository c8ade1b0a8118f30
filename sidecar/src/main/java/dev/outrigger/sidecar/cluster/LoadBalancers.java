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
     * A balancer for {@code policy} (every {@link LbPolicy} has one) over {@code endpoints}: traffic
     * divides between priority levels, healthy and degraded endpoints, and panic as
     * {@link PriorityLoad} says; within each part, the policy picks. With no endpoint at all,
     * the balancer finds none.
     */
    public static LoadBalancer create(LbPolicy policy, List<EndpointState> endpoints) {
        if (endpoints.isEmpty()) {
            return of(policy, List.of());
        }
        List<PriorityLoad.Level> levels = PriorityLoad.of(endpoints);
        List<Integer> bounds = new ArrayList<>();
        List<LoadBalancer> parts = new ArrayList<>();
        int sum = 0;
        for (PriorityLoad.Level level : levels) {
            if (level.panic()) {
                int load = level.healthyLoad() + level.degradedLoad();
                if (load > 0) {
                    sum += load;
                    bounds.add(sum);
                    parts.add(of(policy, level.all()));
                }
                continue;
            }
            if (level.healthyLoad() > 0) {
                sum += level.healthyLoad();
                bounds.add(sum);
                parts.add(of(policy, level.healthy()));
            }
            if (level.degradedLoad() > 0) {
                sum += level.degradedLoad();
                bounds.add(sum);
                parts.add(of(policy, level.degraded()));
            }
        }
        LoadBalancer lb;
        if (parts.size() == 1) {
            lb = parts.get(0);
        } else {
            int[] upTo = new int[bounds.size()];
            for (int i = 0; i < upTo.length; i++) {
                upTo[i] = bounds.get(i);
            }
            lb = new PriorityLoadBalancer(upTo, parts.toArray(new LoadBalancer[0]));
        }
        return policy.slowStart().enabled() ? new SlowStartLoadBalancer(lb, policy.slowStart(), System::nanoTime) : lb;
    }

    /** The policy's balancer over exactly {@code endpoints}. */
    private static LoadBalancer of(LbPolicy policy, List<EndpointState> endpoints) {
        if (policy instanceof LbPolicy.RingHash r) {
            return new RingHashLoadBalancer(endpoints, r.minRingSize(), r.maxRingSize());
        }
        if (policy instanceof LbPolicy.Maglev m) {
            return new MaglevLoadBalancer(endpoints, m.tableSize());
        }
        if (policy instanceof LbPolicy.LeastRequest l) {
            return new LeastRequestLoadBalancer(endpoints, l.choiceCount(), l.activeRequestBias());
        }
        if (policy instanceof LbPolicy.PeakEwma p) {
            return new PeakEwmaLoadBalancer(endpoints, p.decay(), p.defaultRtt());
        }
        if (policy instanceof LbPolicy.Random) {
            return new RandomLoadBalancer(endpoints);
        }
        return new RoundRobinLoadBalancer(endpoints);
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
                if (!previous.isEmpty()) {
                    // Joining a cluster that already serves: it warms up under slow start.
                    state.markWarming(System.nanoTime());
                }
            } else {
                state.update(c);
            }
            states.add(state);
        }
        return List.copyOf(states);
    }
}
