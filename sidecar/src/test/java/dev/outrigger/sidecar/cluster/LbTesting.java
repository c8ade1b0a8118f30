package dev.outrigger.sidecar.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/** Endpoints and pick counting shared by the balancer tests. */
final class LbTesting {

    private LbTesting() {
    }

    /** Endpoints 10.0.0.1, 10.0.0.2, ... of the given weights. */
    static List<EndpointState> endpoints(int... weights) {
        List<EndpointConfig> eps = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            eps.add(new EndpointConfig("10.0.0." + (i + 1), 80, weights[i]));
        }
        return LoadBalancers.endpointStates(eps, List.of());
    }

    /** Position of the endpoint in {@link #endpoints}: 10.0.0.1 is 0. */
    static int index(EndpointState e) {
        String a = e.config().address();
        return Integer.parseInt(a.substring(a.lastIndexOf('.') + 1)) - 1;
    }

    /** The share of {@code picks} picks each of {@code n} endpoints got. */
    static double[] shares(LoadBalancer lb, int n, int picks) {
        return shares(lb, n, picks, i -> { });
    }

    /** As {@link #shares(LoadBalancer, int, int)}, telling {@code afterPick} each index picked. */
    static double[] shares(LoadBalancer lb, int n, int picks, IntConsumer afterPick) {
        long[] counts = new long[n];
        for (int i = 0; i < picks; i++) {
            int picked = index(lb.choose());
            counts[picked]++;
            afterPick.accept(picked);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = (double) counts[i] / picks;
        }
        return out;
    }
}
