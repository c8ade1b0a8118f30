package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.cluster.LbPolicy;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev;
import io.envoyproxy.envoy.extensions.load_balancing_policies.random.v3.Random;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates how a {@code Cluster} balances: {@code lb_policy} with its {@code *_lb_config}, or
 * {@code load_balancing_policy} (the first policy of its list Outrigger implements, as Envoy
 * picks), into an {@link LbPolicy}. Settings Outrigger does not implement yet (slow start,
 * locality-weighted balancing, hash balance factor) are refused naming the field.
 */
final class LbPolicyTranslator {

    private static final String PEAK_EWMA = dev.outrigger.proto.lb.v1.PeakEwma.getDescriptor().getFullName();
    private static final List<String> EXTENSIONS = List.of(RoundRobin.getDescriptor().getFullName(),
            Random.getDescriptor().getFullName(), LeastRequest.getDescriptor().getFullName(),
            RingHash.getDescriptor().getFullName(), Maglev.getDescriptor().getFullName(), PEAK_EWMA);

    private LbPolicyTranslator() {
    }

    /** The policy of {@code cluster}, found at {@code path}. */
    static LbPolicy translate(Cluster cluster, FieldPath path) throws ResourceInvalidException {
        Cluster.LbPolicy policy = cluster.getLbPolicy();
        if (cluster.hasLoadBalancingPolicy()) {
            if (policy != Cluster.LbPolicy.ROUND_ROBIN && policy != Cluster.LbPolicy.LOAD_BALANCING_POLICY_CONFIG) {
                throw path.field("lb_policy").invalid("give either lb_policy or load_balancing_policy, not both");
            }
            if (cluster.getLbConfigCase() != Cluster.LbConfigCase.LBCONFIG_NOT_SET) {
                throw path.field(configField(cluster)).invalid("not with load_balancing_policy: give the settings in"
                        + " its policy");
            }
            return extension(cluster.getLoadBalancingPolicy(), path.field("load_balancing_policy"));
        }
        String expected = switch (policy) {
            case ROUND_ROBIN -> "round_robin_lb_config";
            case LEAST_REQUEST -> "least_request_lb_config";
            case RING_HASH -> "ring_hash_lb_config";
            case MAGLEV -> "maglev_lb_config";
            case RANDOM -> "";
            default -> throw path.field("lb_policy").invalid(ClusterTranslator.enumName(policy,
                    cluster.getLbPolicyValue()) + " is not supported (ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH,"
                    + " MAGLEV, or load_balancing_policy)");
        };
        if (cluster.getLbConfigCase() != Cluster.LbConfigCase.LBCONFIG_NOT_SET
                && !configField(cluster).equals(expected)) {
            throw path.field(configField(cluster)).invalid("does not go with lb_policy " + policy.name());
        }
        return switch (policy) {
            case ROUND_ROBIN -> {
                var c = cluster.getRoundRobinLbConfig();
                FieldPath at = path.field(expected);
                FieldCheck.only(c, at, "slow_start_config");
                yield c.hasSlowStartConfig()
                        ? new LbPolicy.RoundRobin(slowStart(c.getSlowStartConfig(), at.field("slow_start_config")))
                        : LbPolicy.ROUND_ROBIN;
            }
            case LEAST_REQUEST -> {
                var c = cluster.getLeastRequestLbConfig();
                FieldPath at = path.field(expected);
                FieldCheck.only(c, at, "choice_count", "active_request_bias", "slow_start_config");
                yield leastRequest(c.hasChoiceCount(), c.getChoiceCount(), c.hasActiveRequestBias()
                        ? c.getActiveRequestBias().getDefaultValue() : 1.0, c.hasSlowStartConfig()
                        ? slowStart(c.getSlowStartConfig(), at.field("slow_start_config")) : LbPolicy.SlowStart.NONE, at);
            }
            case RING_HASH -> {
                var c = cluster.getRingHashLbConfig();
                FieldPath at = path.field(expected);
                FieldCheck.only(c, at, "minimum_ring_size", "maximum_ring_size", "hash_function");
                if (c.getHashFunction() != Cluster.RingHashLbConfig.HashFunction.XX_HASH) {
                    throw at.field("hash_function").invalid("only XX_HASH is supported");
                }
                yield ringHash(c.hasMinimumRingSize(), c.getMinimumRingSize(), c.hasMaximumRingSize(),
                        c.getMaximumRingSize(), at);
            }
            case MAGLEV -> {
                var c = cluster.getMaglevLbConfig();
                FieldPath at = path.field(expected);
                FieldCheck.only(c, at, "table_size");
                yield maglev(c.hasTableSize(), c.getTableSize(), at);
            }
            default -> LbPolicy.RANDOM;
        };
    }

    private static String configField(Cluster cluster) {
        return switch (cluster.getLbConfigCase()) {
            case RING_HASH_LB_CONFIG -> "ring_hash_lb_config";
            case MAGLEV_LB_CONFIG -> "maglev_lb_config";
            case ORIGINAL_DST_LB_CONFIG -> "original_dst_lb_config";
            case LEAST_REQUEST_LB_CONFIG -> "least_request_lb_config";
            case ROUND_ROBIN_LB_CONFIG -> "round_robin_lb_config";
            default -> "";
        };
    }

    private static LbPolicy extension(LoadBalancingPolicy policies, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(policies, path, "policies");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < policies.getPoliciesCount(); i++) {
            var p = policies.getPolicies(i);
            FieldPath at = path.field("policies").index(i).field("typed_extension_config");
            Any any = p.getTypedExtensionConfig().getTypedConfig();
            String type = ConfigValues.typeName(any);
            seen.add(type);
            if (EXTENSIONS.contains(type)) {
                return policy(type, any, at.field("typed_config"));
            }
        }
        throw path.field("policies").invalid((seen.isEmpty() ? "no policy given" : "none of " + seen
                + " is supported") + " (supported: " + String.join(", ", EXTENSIONS) + ")");
    }

    private static LbPolicy policy(String type, Any any, FieldPath at) throws ResourceInvalidException {
        if (type.equals(RoundRobin.getDescriptor().getFullName())) {
            RoundRobin c = ConfigValues.unpack(any, RoundRobin.class, at);
            FieldCheck.only(c, at, "slow_start_config");
            return c.hasSlowStartConfig()
                    ? new LbPolicy.RoundRobin(slowStart(c.getSlowStartConfig(), at.field("slow_start_config")))
                    : LbPolicy.ROUND_ROBIN;
        }
        if (type.equals(Random.getDescriptor().getFullName())) {
            FieldCheck.only(ConfigValues.unpack(any, Random.class, at), at);
            return LbPolicy.RANDOM;
        }
        if (type.equals(LeastRequest.getDescriptor().getFullName())) {
            LeastRequest c = ConfigValues.unpack(any, LeastRequest.class, at);
            FieldCheck.only(c, at, "choice_count", "active_request_bias", "slow_start_config");
            return leastRequest(c.hasChoiceCount(), c.getChoiceCount(), c.hasActiveRequestBias()
                    ? c.getActiveRequestBias().getDefaultValue() : 1.0, c.hasSlowStartConfig()
                    ? slowStart(c.getSlowStartConfig(), at.field("slow_start_config")) : LbPolicy.SlowStart.NONE, at);
        }
        if (type.equals(RingHash.getDescriptor().getFullName())) {
            RingHash c = ConfigValues.unpack(any, RingHash.class, at);
            FieldCheck.only(c, at, "minimum_ring_size", "maximum_ring_size", "hash_function");
            if (c.getHashFunction() != RingHash.HashFunction.DEFAULT_HASH
                    && c.getHashFunction() != RingHash.HashFunction.XX_HASH) {
                throw at.field("hash_function").invalid("only XX_HASH is supported");
            }
            return ringHash(c.hasMinimumRingSize(), c.getMinimumRingSize(), c.hasMaximumRingSize(),
                    c.getMaximumRingSize(), at);
        }
        if (type.equals(Maglev.getDescriptor().getFullName())) {
            Maglev c = ConfigValues.unpack(any, Maglev.class, at);
            FieldCheck.only(c, at, "table_size");
            return maglev(c.hasTableSize(), c.getTableSize(), at);
        }
        var c = ConfigValues.unpack(any, dev.outrigger.proto.lb.v1.PeakEwma.class, at);
        Duration decay = c.hasDecay() ? ConfigValues.positive(c.getDecay(), at.field("decay"))
                : LbPolicy.PeakEwma.DEFAULTS.decay();
        Duration rtt = c.hasDefaultRtt() ? ConfigValues.positive(c.getDefaultRtt(), at.field("default_rtt"))
                : LbPolicy.PeakEwma.DEFAULTS.defaultRtt();
        return new LbPolicy.PeakEwma(decay, rtt);
    }

    private static LbPolicy leastRequest(boolean hasChoices, UInt32Value choices, double bias,
            LbPolicy.SlowStart slowStart, FieldPath at) throws ResourceInvalidException {
        int n = hasChoices ? choices.getValue() : LbPolicy.LeastRequest.DEFAULTS.choiceCount();
        if (n < 2) {
            throw at.field("choice_count").invalid("must be at least 2, got " + Integer.toUnsignedString(n));
        }
        if (!(bias >= 0) || Double.isInfinite(bias)) {
            throw at.field("active_request_bias").invalid("must be a finite number of at least 0, got " + bias);
        }
        return new LbPolicy.LeastRequest(n, bias, slowStart);
    }

    /** A cluster's {@code SlowStartConfig} (in {@code *_lb_config}). */
    private static LbPolicy.SlowStart slowStart(Cluster.SlowStartConfig c, FieldPath at) throws ResourceInvalidException {
        FieldCheck.only(c, at, "slow_start_window", "aggression", "min_weight_percent");
        return slowStart(c.hasSlowStartWindow(), c.getSlowStartWindow(), c.hasAggression()
                ? c.getAggression().getDefaultValue() : 1.0, c.hasMinWeightPercent()
                ? c.getMinWeightPercent().getValue() : 10.0, at);
    }

    /** A policy extension's {@code SlowStartConfig}. */
    private static LbPolicy.SlowStart slowStart(
            io.envoyproxy.envoy.extensions.load_balancing_policies.common.v3.SlowStartConfig c, FieldPath at)
            throws ResourceInvalidException {
        FieldCheck.only(c, at, "slow_start_window", "aggression", "min_weight_percent");
        return slowStart(c.hasSlowStartWindow(), c.getSlowStartWindow(), c.hasAggression()
                ? c.getAggression().getDefaultValue() : 1.0, c.hasMinWeightPercent()
                ? c.getMinWeightPercent().getValue() : 10.0, at);
    }

    private static LbPolicy.SlowStart slowStart(boolean hasWindow, com.google.protobuf.Duration window,
            double aggression, double minWeightPercent, FieldPath at) throws ResourceInvalidException {
        if (!hasWindow) {
            throw at.field("slow_start_window").invalid("required: how long a new endpoint takes to get its full share");
        }
        Duration w = ConfigValues.positive(window, at.field("slow_start_window"));
        if (!(aggression > 0) || Double.isInfinite(aggression)) {
            throw at.field("aggression").invalid("must be a finite number greater than 0, got " + aggression);
        }
        if (!(minWeightPercent >= 0 && minWeightPercent <= 100)) {
            throw at.field("min_weight_percent").invalid("must be 0 to 100, got " + minWeightPercent);
        }
        return new LbPolicy.SlowStart(w, aggression, minWeightPercent);
    }

    private static LbPolicy ringHash(boolean hasMin, UInt64Value min, boolean hasMax, UInt64Value max, FieldPath at)
            throws ResourceInvalidException {
        long lo = hasMin ? min.getValue() : LbPolicy.RingHash.DEFAULTS.minRingSize();
        long hi = hasMax ? max.getValue() : LbPolicy.RingHash.DEFAULTS.maxRingSize();
        if (lo < 1 || Long.compareUnsigned(lo, LbPolicy.RingHash.MAX_SIZE) > 0) {
            throw at.field("minimum_ring_size").invalid("must be 1 to " + LbPolicy.RingHash.MAX_SIZE + ", got "
                    + Long.toUnsignedString(lo));
        }
        if (Long.compareUnsigned(hi, LbPolicy.RingHash.MAX_SIZE) > 0) {
            throw at.field("maximum_ring_size").invalid("must be at most " + LbPolicy.RingHash.MAX_SIZE + ", got "
                    + Long.toUnsignedString(hi));
        }
        if (lo > hi) {
            throw at.field("minimum_ring_size").invalid("is larger than maximum_ring_size (" + lo + " > " + hi + ")");
        }
        return new LbPolicy.RingHash(lo, hi);
    }

    private static LbPolicy maglev(boolean has, UInt64Value size, FieldPath at) throws ResourceInvalidException {
        long n = has ? size.getValue() : LbPolicy.Maglev.DEFAULTS.tableSize();
        if (n < 2 || n > 5_000_011 || !java.math.BigInteger.valueOf(n).isProbablePrime(30)) {
            throw at.field("table_size").invalid("must be a prime of at most 5000011, got " + Long.toUnsignedString(n));
        }
        return new LbPolicy.Maglev((int) n);
    }
}
