package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static dev.outrigger.sidecar.config.TestBootstraps.parse;
import static dev.outrigger.sidecar.config.TestBootstraps.withClusters;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.sidecar.cluster.LbPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A cluster's {@code lb_policy}, its settings and {@code load_balancing_policy}, translated or refused by name. */
class LbPolicyTranslatorTest {

    private static final String C0 = "static_resources.clusters[0]";

    private static LbPolicy policy(String fields) throws Exception {
        var clusters = BootstrapTranslator.translate(parse(withClusters(TestBootstraps.DEMO_CLUSTER + fields)))
                .snapshot().clusters();
        return clusters.values().iterator().next().lbPolicy();
    }

    private static void rejected(String fields, String path, String reason) {
        assertRejected(withClusters(TestBootstraps.DEMO_CLUSTER + fields), C0 + path, reason);
    }

    @Test
    void lbPolicyWithItsSettingsAndEnvoysDefaults() throws Exception {
        assertEquals(LbPolicy.ROUND_ROBIN, policy(""));
        assertEquals(LbPolicy.RANDOM, policy("  lb_policy: RANDOM\n"));
        assertEquals(LbPolicy.LeastRequest.DEFAULTS, policy("  lb_policy: LEAST_REQUEST\n"));
        assertEquals(new LbPolicy.LeastRequest(3, 0.5), policy("""
                  lb_policy: LEAST_REQUEST
                  least_request_lb_config: { choice_count: 3, active_request_bias: { default_value: 0.5, runtime_key: x } }
                """));
        assertEquals(LbPolicy.RingHash.DEFAULTS, policy("  lb_policy: RING_HASH\n"));
        assertEquals(new LbPolicy.RingHash(64, 4096), policy("""
                  lb_policy: RING_HASH
                  ring_hash_lb_config: { minimum_ring_size: 64, maximum_ring_size: 4096, hash_function: XX_HASH }
                """));
        assertEquals(LbPolicy.Maglev.DEFAULTS, policy("  lb_policy: MAGLEV\n"));
        assertEquals(new LbPolicy.Maglev(251), policy("  lb_policy: MAGLEV\n  maglev_lb_config: { table_size: 251 }\n"));
    }

    @Test
    void loadBalancingPolicyTakesTheFirstSupportedEntry() throws Exception {
        assertEquals(new LbPolicy.Maglev(65537), policy("""
                  load_balancing_policy:
                    policies:
                    - typed_extension_config:
                        name: custom
                        typed_config: { "@type": type.googleapis.com/envoy.extensions.load_balancing_policies.pick_first.v3.PickFirst }
                    - typed_extension_config:
                        name: maglev
                        typed_config: { "@type": type.googleapis.com/envoy.extensions.load_balancing_policies.maglev.v3.Maglev }
                """));
        assertEquals(new LbPolicy.PeakEwma(Duration.ofSeconds(5), Duration.ofMillis(30)), policy("""
                  lb_policy: LOAD_BALANCING_POLICY_CONFIG
                  load_balancing_policy:
                    policies:
                    - typed_extension_config:
                        name: ewma
                        typed_config: { "@type": type.googleapis.com/outrigger.lb.v1.PeakEwma, decay: 5s, default_rtt: 0.03s }
                """));
        assertEquals(LbPolicy.PeakEwma.DEFAULTS, policy("""
                  load_balancing_policy:
                    policies:
                    - typed_extension_config: { name: e, typed_config: { "@type": type.googleapis.com/outrigger.lb.v1.PeakEwma } }
                """));
        assertEquals(new LbPolicy.LeastRequest(4, 1.0), policy("""
                  load_balancing_policy:
                    policies:
                    - typed_extension_config:
                        name: lr
                        typed_config: { "@type": type.googleapis.com/envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest, choice_count: 4 }
                """));
    }

    @Test
    void slowStartForRoundRobinAndLeastRequest() throws Exception {
        var slow = new LbPolicy.SlowStart(Duration.ofSeconds(60), 2.0, 5.0);
        assertEquals(new LbPolicy.RoundRobin(slow), policy("""
                  round_robin_lb_config:
                    slow_start_config: { slow_start_window: 60s, aggression: { default_value: 2.0, runtime_key: a }, min_weight_percent: { value: 5 } }
                """));
        assertEquals(new LbPolicy.LeastRequest(2, 1.0, new LbPolicy.SlowStart(Duration.ofSeconds(30), 1.0, 10.0)),
                policy("""
                  lb_policy: LEAST_REQUEST
                  least_request_lb_config: { slow_start_config: { slow_start_window: 30s } }
                """));
        assertEquals(new LbPolicy.RoundRobin(new LbPolicy.SlowStart(Duration.ofSeconds(10), 1.0, 10.0)), policy("""
                  load_balancing_policy:
                    policies:
                    - typed_extension_config:
                        name: rr
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin
                          slow_start_config: { slow_start_window: 10s }
                """));
        rejected("  round_robin_lb_config: { slow_start_config: { aggression: { default_value: 1.0, runtime_key: a } } }\n",
                ".round_robin_lb_config.slow_start_config.slow_start_window",
                "required: how long a new endpoint takes to get its full share");
        rejected("  round_robin_lb_config: { slow_start_config: { slow_start_window: 5s, aggression: { default_value: 0, runtime_key: a } } }\n",
                ".round_robin_lb_config.slow_start_config.aggression", "must be a finite number greater than 0, got 0.0");
    }

    @Test
    void mistakesAreNamed() {
        rejected("  lb_policy: LEAST_REQUEST\n  least_request_lb_config: { choice_count: 1 }\n",
                ".least_request_lb_config.choice_count", "must be at least 2, got 1");
        rejected("  lb_policy: RING_HASH\n  ring_hash_lb_config: { minimum_ring_size: 5000, maximum_ring_size: 100 }\n",
                ".ring_hash_lb_config.minimum_ring_size", "is larger than maximum_ring_size (5000 > 100)");
        rejected("  lb_policy: RING_HASH\n  ring_hash_lb_config: { hash_function: MURMUR_HASH_2 }\n",
                ".ring_hash_lb_config.hash_function", "only XX_HASH is supported");
        rejected("  lb_policy: MAGLEV\n  maglev_lb_config: { table_size: 100 }\n",
                ".maglev_lb_config.table_size", "must be a prime of at most 5000011, got 100");
        rejected("  lb_policy: RANDOM\n  maglev_lb_config: { table_size: 251 }\n",
                ".maglev_lb_config", "does not go with lb_policy RANDOM");
        rejected("""
                  lb_policy: RANDOM
                  load_balancing_policy:
                    policies:
                    - typed_extension_config: { name: r, typed_config: { "@type": type.googleapis.com/envoy.extensions.load_balancing_policies.random.v3.Random } }
                """, ".lb_policy", "give either lb_policy or load_balancing_policy, not both");
        rejected("""
                  load_balancing_policy:
                    policies:
                    - typed_extension_config: { name: p, typed_config: { "@type": type.googleapis.com/envoy.extensions.load_balancing_policies.pick_first.v3.PickFirst } }
                """, ".load_balancing_policy.policies", "none of [envoy.extensions.load_balancing_policies.pick_first.v3"
                + ".PickFirst] is supported (supported: envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin,"
                + " envoy.extensions.load_balancing_policies.random.v3.Random,"
                + " envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest,"
                + " envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash,"
                + " envoy.extensions.load_balancing_policies.maglev.v3.Maglev, outrigger.lb.v1.PeakEwma)");
    }
}
