package dev.outrigger.sidecar.config;

import com.google.protobuf.Any;
import dev.outrigger.sidecar.ratelimit.NetworkLocalRateLimitConfig;
import dev.outrigger.sidecar.ratelimit.TokenBucketSpec;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.RuntimeFeatureFlag;
import io.envoyproxy.envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit;

/**
 * Translates Envoy's network local rate limit filter ({@code envoy.filters.network.local_ratelimit},
 * {@code LocalRateLimit}) into a {@link NetworkLocalRateLimitConfig}: a bucket of new connections
 * for the filter chain that lists it.
 */
final class NetworkLocalRateLimitTranslator {

    /** The name Envoy gives the network local rate limit filter. */
    static final String NAME = "envoy.filters.network.local_ratelimit";

    private NetworkLocalRateLimitTranslator() {
    }

    /** Translates the filter's {@code typed_config}, found at {@code path}. */
    static NetworkLocalRateLimitConfig translate(Any typedConfig, FieldPath path) throws ResourceInvalidException {
        return translate(ConfigValues.unpack(typedConfig, LocalRateLimit.class, path), path);
    }

    /** Translates {@code config} found at {@code path}. */
    static NetworkLocalRateLimitConfig translate(LocalRateLimit config, FieldPath path)
            throws ResourceInvalidException {
        if (!config.getShareKey().isEmpty()) {
            throw path.field("share_key").invalid("is not supported: every filter chain has a bucket of its own"
                    + " (sharing one among filters is not implemented)");
        }
        FieldCheck.only(config, path, "stat_prefix", "token_bucket", "runtime_enabled");
        if (config.getStatPrefix().isEmpty()) {
            throw path.field("stat_prefix").invalid("required, as in Envoy (it prefixes this filter's statistics)");
        }
        if (!config.hasTokenBucket()) {
            throw path.field("token_bucket").invalid("required: one token per accepted connection");
        }
        TokenBucketSpec bucket = TokenBucketTranslator.translate(config.getTokenBucket(), path.field("token_bucket"));
        boolean enabled = true;
        if (config.hasRuntimeEnabled()) {
            enabled = enabled(config.getRuntimeEnabled(), path.field("runtime_enabled"));
        }
        return new NetworkLocalRateLimitConfig(config.getStatPrefix(), bucket, enabled);
    }

    /**
     * A {@code RuntimeFeatureFlag}: Outrigger has no runtime, so {@code runtime_key} names a value
     * that is never there and {@code default_value} always applies, as in an Envoy whose runtime lacks the key.
     */
    private static boolean enabled(RuntimeFeatureFlag flag, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(flag, path, "default_value", "runtime_key");
        if (!flag.hasDefaultValue()) {
            throw path.field("default_value").invalid("required (Outrigger has no runtime, so it is the value used)");
        }
        FieldCheck.only(flag.getDefaultValue(), path.field("default_value"), "value");
        return flag.getDefaultValue().getValue();
    }
}
