package dev.outrigger.sidecar.config;

import com.google.common.net.HostAndPort;
import com.google.protobuf.Any;
import dev.outrigger.proto.ratelimit.v1.RedisRateLimit;
import dev.outrigger.sidecar.ratelimit.Descriptor;
import dev.outrigger.sidecar.ratelimit.DescriptorEntry;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitBackend;
import dev.outrigger.sidecar.ratelimit.global.GlobalRateLimitConfig;
import dev.outrigger.sidecar.ratelimit.global.RateLimitUnit;
import dev.outrigger.sidecar.ratelimit.global.RedisAlgorithm;
import dev.outrigger.sidecar.ratelimit.global.RedisLimit;
import dev.outrigger.sidecar.ratelimit.global.RequestType;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates Outrigger's Redis-backed global rate limit filter ({@code outrigger.ratelimit.v1.RedisRateLimit})
 * into a {@link GlobalRateLimitConfig} whose backend is {@link GlobalRateLimitBackend.Redis}. What
 * it shares with Envoy's filter (domain, stage, timeout, failure mode, headers, gRPC status) means
 * the same; requests of every type are limited, and a failure refused by {@code failure_mode_deny}
 * gets 500.
 */
final class RedisRateLimitTranslator {

    /** The type URL of the filter's configuration. */
    static final String TYPE = "type.googleapis.com/outrigger.ratelimit.v1.RedisRateLimit";

    private RedisRateLimitTranslator() {
    }

    /** Translates the filter's {@code typed_config}, found at {@code path}. */
    static GlobalRateLimitConfig translate(Any typedConfig, FieldPath path) throws ResourceInvalidException {
        return translate(ConfigValues.unpack(typedConfig, RedisRateLimit.class, path), path);
    }

    /** Translates {@code config}, found at {@code path}. */
    static GlobalRateLimitConfig translate(RedisRateLimit config, FieldPath path) throws ResourceInvalidException {
        if (config.getDomain().isEmpty()) {
            throw path.field("domain").invalid("required: the namespace of this filter's counters");
        }
        HostAndPort address = address(config.getRedisAddress(), path.field("redis_address"));
        RedisAlgorithm algorithm = switch (config.getAlgorithm()) {
            case FIXED_WINDOW -> RedisAlgorithm.FIXED_WINDOW;
            case SLIDING_WINDOW -> RedisAlgorithm.SLIDING_WINDOW;
            default -> throw path.field("algorithm").invalid("unknown value " + config.getAlgorithmValue()
                    + " (expected FIXED_WINDOW or SLIDING_WINDOW)");
        };
        return new GlobalRateLimitConfig(
                config.getDomain(),
                GlobalRateLimitTranslator.stage(config.getStage(), path.field("stage")),
                RequestType.BOTH,
                GlobalRateLimitTranslator.timeout(config.hasTimeout(), config.getTimeout(), path.field("timeout")),
                config.getFailureModeDeny(),
                GlobalRateLimitConfig.DEFAULT_STATUS_ON_ERROR,
                config.getEnableXRatelimitHeaders(),
                config.getRateLimitedAsResourceExhausted(),
                new GlobalRateLimitBackend.Redis(address.getHost(), address.getPort(), algorithm,
                        limits(config.getLimitsList(), path.field("limits"))));
    }

    private static HostAndPort address(String value, FieldPath path) throws ResourceInvalidException {
        if (value.isEmpty()) {
            throw path.invalid("required: the Redis server as host:port");
        }
        HostAndPort address;
        try {
            address = HostAndPort.fromString(value).requireBracketsForIPv6();
        } catch (IllegalArgumentException e) {
            throw path.invalid("\"" + value + "\" is not host:port (" + e.getMessage() + ")");
        }
        if (address.getHost().isEmpty()) {
            throw path.invalid("\"" + value + "\" has no host");
        }
        if (!address.hasPort()) {
            throw path.invalid("\"" + value + "\" has no port (Redis usually listens on 6379)");
        }
        if (address.getPort() == 0) {
            throw path.invalid("\"" + value + "\": port must be 1 to 65535");
        }
        return address;
    }

    private static List<RedisLimit> limits(List<RedisRateLimit.Limit> limits, FieldPath path)
            throws ResourceInvalidException {
        if (limits.isEmpty()) {
            throw path.invalid("at least one limit is required: without any, no request is ever limited");
        }
        List<RedisLimit> out = new ArrayList<>(limits.size());
        Map<Descriptor, Integer> seen = new HashMap<>();
        for (int i = 0; i < limits.size(); i++) {
            RedisRateLimit.Limit limit = limits.get(i);
            FieldPath at = path.index(i);
            if (limit.getEntriesCount() == 0) {
                throw at.field("entries").invalid("at least one entry is required");
            }
            List<DescriptorEntry> entries = new ArrayList<>(limit.getEntriesCount());
            for (int j = 0; j < limit.getEntriesCount(); j++) {
                RedisRateLimit.Entry e = limit.getEntries(j);
                if (e.getKey().isEmpty()) {
                    throw at.field("entries").index(j).field("key").invalid("must not be empty");
                }
                entries.add(new DescriptorEntry(e.getKey(), e.getValue()));
            }
            Descriptor descriptor = Descriptor.of(entries);
            Integer first = seen.putIfAbsent(descriptor, i);
            if (first != null) {
                throw at.field("entries").invalid("duplicate descriptor " + descriptor + " (first at limits["
                        + first + "])");
            }
            RateLimitUnit unit = switch (limit.getUnit()) {
                case SECOND -> RateLimitUnit.SECOND;
                case MINUTE -> RateLimitUnit.MINUTE;
                case HOUR -> RateLimitUnit.HOUR;
                case DAY -> RateLimitUnit.DAY;
                case UNIT_UNSPECIFIED -> throw at.field("unit").invalid("required: SECOND, MINUTE, HOUR or DAY");
                default -> throw at.field("unit").invalid("unknown value " + limit.getUnitValue()
                        + " (expected SECOND, MINUTE, HOUR or DAY)");
            };
            out.add(new RedisLimit(descriptor, Integer.toUnsignedLong(limit.getRequestsPerUnit()), unit));
        }
        return out;
    }
}
