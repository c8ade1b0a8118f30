package dev.outrigger.sidecar.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.sidecar.cluster.EndpointConfig.HealthStatus;
import dev.outrigger.sidecar.cluster.EndpointConfig.Locality;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Envoy's priority loads, degraded loads and panic, on the examples of Envoy's documentation. */
class PriorityLoadTest {

    /** Endpoints: for each priority in turn, {healthy, degraded, unhealthy} counts. */
    private static List<PriorityLoad.Level> levels(int[]... perPriority) {
        List<EndpointConfig> configs = new ArrayList<>();
        int port = 1;
        for (int p = 0; p < perPriority.length; p++) {
            HealthStatus[] kinds = {HealthStatus.HEALTHY, HealthStatus.DEGRADED, HealthStatus.UNHEALTHY};
            for (int k = 0; k < 3; k++) {
                for (int i = 0; i < perPriority[p][k]; i++) {
                    configs.add(new EndpointConfig("10.0.0.1", port++, 1, kinds[k], p, Locality.NONE));
                }
            }
        }
        return PriorityLoad.of(LoadBalancers.endpointStates(configs, List.of()));
    }

    private static String loads(List<PriorityLoad.Level> levels) {
        StringBuilder sb = new StringBuilder();
        for (PriorityLoad.Level l : levels) {
            sb.append(l.healthyLoad()).append('/').append(l.degradedLoad()).append(l.panic() ? "P" : "").append(' ');
        }
        return sb.toString().trim();
    }

    @Test
    void trafficSpillsOverAsTheHighestPriorityLosesHealth() {
        assertEquals("100/0 0/0", loads(levels(new int[] {10, 0, 0}, new int[] {10, 0, 0})));
        assertEquals("100/0 0/0", loads(levels(new int[] {8, 0, 2}, new int[] {10, 0, 0})), "80 % x 1.4 caps at 100");
        assertEquals("70/0 30/0", loads(levels(new int[] {5, 0, 5}, new int[] {10, 0, 0})));
        assertEquals("28/0 72/0", loads(levels(new int[] {2, 0, 8}, new int[] {10, 0, 0})));
        assertEquals("0/0 100/0", loads(levels(new int[] {0, 0, 10}, new int[] {10, 0, 0})));
    }

    @Test
    void whenTheLevelsTogetherFallShortTheirLoadsScaleUpAndLowHealthPanics() {
        // 20 % healthy in both: health 28 + 28 = 56, scaled to 50/50; 20 % < 50 %: both in panic.
        assertEquals("50/0P 50/0P", loads(levels(new int[] {2, 0, 8}, new int[] {2, 0, 8})));
        // 60 % healthy alone: health 84, scaled to 100; 60 % is above the threshold: no panic.
        assertEquals("100/0", loads(levels(new int[] {6, 0, 4})));
        // Total health 100 never panics, even with a level at 0 %.
        assertEquals("0/0 100/0", loads(levels(new int[] {0, 0, 4}, new int[] {4, 0, 0})));
    }

    @Test
    void degradedEndpointsTakeWhatHealthyOnesCannot() {
        // P0: 5 healthy of 10 (70), 5 degraded (70): 70 healthy, 30 degraded.
        assertEquals("70/30", loads(levels(new int[] {5, 5, 0})));
        assertEquals("0/100", loads(levels(new int[] {0, 1, 1})));
    }

    @Test
    void nothingAvailableAnywhereSpreadsByLevelSize() {
        assertEquals("75/0P 25/0P", loads(levels(new int[] {0, 0, 3}, new int[] {0, 0, 1})));
    }
}
