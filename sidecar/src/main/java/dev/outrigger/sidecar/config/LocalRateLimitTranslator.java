package dev.outrigger.sidecar.config;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import dev.outrigger.sidecar.ratelimit.Descriptor;
import dev.outrigger.sidecar.ratelimit.DescriptorEntry;
import dev.outrigger.sidecar.ratelimit.DescriptorLimit;
import dev.outrigger.sidecar.ratelimit.Fraction;
import dev.outrigger.sidecar.ratelimit.LocalRateLimitConfig;
import dev.outrigger.sidecar.ratelimit.LocalRateLimitConfig.VirtualHostRateLimits;
import dev.outrigger.sidecar.ratelimit.RateLimitRule;
import dev.outrigger.sidecar.ratelimit.TokenBucketSpec;
import dev.outrigger.sidecar.route.HeaderMutations;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates Envoy's HTTP local rate limit filter ({@code envoy.filters.http.local_ratelimit},
 * {@code LocalRateLimit}) into a {@link LocalRateLimitConfig}: as an {@code http_filters} entry,
 * or as a route's or virtual host's {@code typed_per_filter_config} override, which replaces the
 * filter's configuration for its requests and must have its own {@code token_bucket}.
 */
final class LocalRateLimitTranslator {

    /** The name Envoy gives the HTTP local rate limit filter. */
    static final String NAME = "envoy.filters.http.local_ratelimit";

    /** Envoy's limit on each of the two header lists. */
    private static final int MAX_HEADERS_TO_ADD = 10;

    private LocalRateLimitTranslator() {
    }

    /** Translates the filter's {@code typed_config}, found at {@code path}. */
    static LocalRateLimitConfig translate(Any typedConfig, FieldPath path) throws ResourceInvalidException {
        return translate(ConfigValues.unpack(typedConfig, LocalRateLimit.class, path), path, false);
    }

    /** Translates a {@code typed_per_filter_config} entry for this filter, found at {@code path}. */
    static LocalRateLimitConfig translatePerRoute(Any typedConfig, FieldPath path) throws ResourceInvalidException {
        return translate(ConfigValues.unpack(typedConfig, LocalRateLimit.class, path), path, true);
    }

    /**
     * Translates {@code config} found at {@code path}; {@code perRoute} for a route's or virtual
     * host's override, which needs a {@code token_bucket} (as in Envoy: it is the route's own bucket).
     */
    static LocalRateLimitConfig translate(LocalRateLimit config, FieldPath path, boolean perRoute)
            throws ResourceInvalidException {
        if (config.hasLocalClusterRateLimit()) {
            throw path.field("local_cluster_rate_limit").invalid("is not supported: Outrigger does not track the"
                    + " membership of a local cluster to share a limit among its instances");
        }
        FieldCheck.only(config, path, "stat_prefix", "status", "token_bucket", "filter_enabled", "filter_enforced",
                "request_headers_to_add_when_not_enforced", "response_headers_to_add", "descriptors", "stage",
                "local_rate_limit_per_downstream_connection", "enable_x_ratelimit_headers", "vh_rate_limits",
                "always_consume_default_token_bucket", "rate_limited_as_resource_exhausted", "rate_limits",
                "max_dynamic_descriptors");
        if (config.getStatPrefix().isEmpty()) {
            throw path.field("stat_prefix").invalid("required, as in Envoy (it prefixes this filter's statistics)");
        }
        TokenBucketSpec bucket = null;
        if (config.hasTokenBucket()) {
            bucket = TokenBucketTranslator.translate(config.getTokenBucket(), path.field("token_bucket"));
        } else if (perRoute) {
            throw path.field("token_bucket").invalid("required in a route's or virtual host's override, as in"
                    + " Envoy: the override limits with its own bucket");
        }
        Fraction enabled = config.hasFilterEnabled()
                ? TokenBucketTranslator.fraction(config.getFilterEnabled(), path.field("filter_enabled"))
                : Fraction.NONE;
        Fraction enforced = config.hasFilterEnforced()
                ? TokenBucketTranslator.fraction(config.getFilterEnforced(), path.field("filter_enforced"))
                : Fraction.NONE;
        boolean perConnection = config.getLocalRateLimitPerDownstreamConnection();
        List<DescriptorLimit> descriptors = descriptors(config, bucket, perConnection, path);
        if (Integer.toUnsignedLong(config.getStage()) > RateLimitRule.MAX_STAGE) {
            throw path.field("stage").invalid("must be 0 to " + RateLimitRule.MAX_STAGE + ", got "
                    + Integer.toUnsignedLong(config.getStage()));
        }
        boolean alwaysConsumeDefault = true;
        if (config.hasAlwaysConsumeDefaultTokenBucket()) {
            BoolValue value = config.getAlwaysConsumeDefaultTokenBucket();
            FieldCheck.only(value, path.field("always_consume_default_token_bucket"), "value");
            alwaysConsumeDefault = value.getValue();
        }
        int maxDynamic = LocalRateLimitConfig.DEFAULT_MAX_DYNAMIC_DESCRIPTORS;
        if (config.hasMaxDynamicDescriptors()) {
            FieldCheck.only(config.getMaxDynamicDescriptors(), path.field("max_dynamic_descriptors"), "value");
            maxDynamic = ConfigValues.count(config.getMaxDynamicDescriptors());
            if (maxDynamic < 1) {
                throw path.field("max_dynamic_descriptors").invalid("must be at least 1");
            }
        }
        return new LocalRateLimitConfig(
                config.getStatPrefix(),
                bucket,
                enabled,
                enforced,
                status(config, path),
                descriptors,
                config.getStage(),
                perConnection,
                xRateLimitHeaders(config, path),
                virtualHostRateLimits(config, path),
                alwaysConsumeDefault,
                config.getRateLimitedAsResourceExhausted(),
                RateLimitActionsTranslator.translateEmbedded(config.getRateLimitsList(), path.field("rate_limits")),
                maxDynamic,
                headers(config.getResponseHeadersToAddList(), path.field("response_headers_to_add")),
                headers(config.getRequestHeadersToAddWhenNotEnforcedList(),
                        path.field("request_headers_to_add_when_not_enforced")));
    }

    private static int status(LocalRateLimit config, FieldPath path) throws ResourceInvalidException {
        if (!config.hasStatus()) {
            return LocalRateLimitConfig.DEFAULT_STATUS;
        }
        HttpStatus status = config.getStatus();
        FieldPath at = path.field("status");
        FieldCheck.only(status, at, "code");
        int code = status.getCodeValue();
        if (code == 0) {
            throw at.field("code").invalid("required: the HTTP status of a refusal");
        }
        if (StatusCode.forNumber(code) == null) {
            throw at.field("code").invalid(code + " is not an HTTP status Envoy knows");
        }
        // Envoy's documented rule: a status below 400 would not read as a refusal, so 429 is used.
        return code < 400 ? LocalRateLimitConfig.DEFAULT_STATUS : code;
    }

    private static List<DescriptorLimit> descriptors(LocalRateLimit config, TokenBucketSpec defaultBucket,
            boolean perConnection, FieldPath path) throws ResourceInvalidException {
        if (config.getDescriptorsCount() == 0) {
            return List.of();
        }
        FieldPath list = path.field("descriptors");
        if (defaultBucket == null) {
            throw path.field("token_bucket").invalid("required with descriptors, as in Envoy: every descriptor's"
                    + " fill_interval must be a multiple of this bucket's");
        }
        List<DescriptorLimit> limits = new ArrayList<>(config.getDescriptorsCount());
        Map<Descriptor, Integer> seen = new HashMap<>();
        for (int i = 0; i < config.getDescriptorsCount(); i++) {
            LocalRateLimitDescriptor d = config.getDescriptors(i);
            FieldPath at = list.index(i);
            FieldCheck.only(d, at, "entries", "token_bucket");
            if (d.getEntriesCount() == 0) {
                throw at.field("entries").invalid("at least one entry is required");
            }
            List<DescriptorEntry> entries = new ArrayList<>(d.getEntriesCount());
            for (int j = 0; j < d.getEntriesCount(); j++) {
                RateLimitDescriptor.Entry e = d.getEntries(j);
                FieldPath entryPath = at.field("entries").index(j);
                FieldCheck.only(e, entryPath, "key", "value");
                if (e.getKey().isEmpty()) {
                    throw entryPath.field("key").invalid("must not be empty");
                }
                entries.add(new DescriptorEntry(e.getKey(), e.getValue()));
            }
            Descriptor descriptor = Descriptor.of(entries);
            if (perConnection && descriptor.isWildcard()) {
                throw at.field("entries").invalid("an empty value (a bucket per distinct value) does not work with"
                        + " local_rate_limit_per_downstream_connection, as in Envoy");
            }
            Integer first = seen.putIfAbsent(descriptor, i);
            if (first != null) {
                throw at.invalid("duplicate descriptor " + descriptor + " (first at descriptors[" + first + "])");
            }
            if (!d.hasTokenBucket()) {
                throw at.field("token_bucket").invalid("required: the bucket of this descriptor");
            }
            TokenBucketSpec bucket = TokenBucketTranslator.translate(d.getTokenBucket(), at.field("token_bucket"));
            if (!isMultiple(bucket.fillInterval(), defaultBucket.fillInterval())) {
                throw at.field("token_bucket").field("fill_interval").invalid("must be a multiple of token_bucket's"
                        + " fill_interval (" + ConfigValues.format(defaultBucket.fillInterval()) + "), as in Envoy;"
                        + " got " + ConfigValues.format(bucket.fillInterval()));
            }
            limits.add(new DescriptorLimit(descriptor, bucket));
        }
        return limits;
    }

    private static boolean isMultiple(Duration d, Duration of) {
        return nanos(d).mod(nanos(of)).signum() == 0;
    }

    private static BigInteger nanos(Duration d) {
        return BigInteger.valueOf(d.getSeconds()).multiply(BigInteger.valueOf(1_000_000_000L))
                .add(BigInteger.valueOf(d.getNano()));
    }

    private static boolean xRateLimitHeaders(LocalRateLimit config, FieldPath path) throws ResourceInvalidException {
        return switch (config.getEnableXRatelimitHeaders()) {
            case OFF -> false;
            case DRAFT_VERSION_03 -> true;
            default -> throw path.field("enable_x_ratelimit_headers").invalid("unknown value "
                    + config.getEnableXRatelimitHeadersValue() + " (expected OFF or DRAFT_VERSION_03)");
        };
    }

    private static VirtualHostRateLimits virtualHostRateLimits(LocalRateLimit config, FieldPath path)
            throws ResourceInvalidException {
        return switch (config.getVhRateLimits()) {
            case OVERRIDE -> VirtualHostRateLimits.OVERRIDE;
            case INCLUDE -> VirtualHostRateLimits.INCLUDE;
            case IGNORE -> VirtualHostRateLimits.IGNORE;
            default -> throw path.field("vh_rate_limits").invalid("unknown value "
                    + config.getVhRateLimitsValue() + " (expected OVERRIDE, INCLUDE or IGNORE)");
        };
    }

    private static HeaderMutations headers(List<HeaderValueOption> options, FieldPath path)
            throws ResourceInvalidException {
        if (options.isEmpty()) {
            return HeaderMutations.NONE;
        }
        if (options.size() > MAX_HEADERS_TO_ADD) {
            throw path.invalid("at most " + MAX_HEADERS_TO_ADD + " headers, as in Envoy; got " + options.size());
        }
        return new HeaderMutations(List.of(), HeaderRulesTranslator.additions(options, path));
    }
}
