package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.ratelimit.Fraction;
import dev.outrigger.sidecar.ratelimit.TokenBucketSpec;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import java.time.Duration;

/**
 * Translates what the HTTP and network local rate limit filters share: Envoy's {@code TokenBucket},
 * and the {@code RuntimeFractionalPercent} shares of requests.
 */
final class TokenBucketTranslator {

    private TokenBucketTranslator() {
    }

    /** Translates the {@code TokenBucket} found at {@code path}, with Envoy's rules. */
    static TokenBucketSpec translate(TokenBucket bucket, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(bucket, path, "max_tokens", "tokens_per_fill", "fill_interval");
        long maxTokens = Integer.toUnsignedLong(bucket.getMaxTokens());
        if (maxTokens == 0) {
            throw path.field("max_tokens").invalid("must be greater than 0");
        }
        long tokensPerFill = 1;
        if (bucket.hasTokensPerFill()) {
            FieldCheck.only(bucket.getTokensPerFill(), path.field("tokens_per_fill"), "value");
            tokensPerFill = Integer.toUnsignedLong(bucket.getTokensPerFill().getValue());
            if (tokensPerFill == 0) {
                throw path.field("tokens_per_fill").invalid("must be greater than 0 (unset means 1)");
            }
        }
        if (!bucket.hasFillInterval()) {
            throw path.field("fill_interval").invalid("required: the time between two fills, at least 50ms");
        }
        Duration fill = ConfigValues.nonNegative(bucket.getFillInterval(), path.field("fill_interval"));
        if (fill.compareTo(TokenBucketSpec.MIN_FILL_INTERVAL) < 0) {
            throw path.field("fill_interval").invalid("must be at least 50ms, as in Envoy (got "
                    + ConfigValues.format(fill) + ")");
        }
        return new TokenBucketSpec(maxTokens, tokensPerFill, fill);
    }

    /**
     * Translates a {@code RuntimeFractionalPercent} found at {@code path}. Outrigger has no
     * runtime layer, so {@code runtime_key} names a value that is never there and
     * {@code default_value} always applies, exactly as in an Envoy whose runtime lacks the key.
     */
    static Fraction fraction(RuntimeFractionalPercent percent, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(percent, path, "default_value", "runtime_key");
        if (!percent.hasDefaultValue()) {
            throw path.field("default_value").invalid("required (Outrigger has no runtime, so it is the share used)");
        }
        FractionalPercent value = percent.getDefaultValue();
        FieldPath at = path.field("default_value");
        FieldCheck.only(value, at, "numerator", "denominator");
        Fraction.Denominator denominator = switch (value.getDenominator()) {
            case HUNDRED -> Fraction.Denominator.HUNDRED;
            case TEN_THOUSAND -> Fraction.Denominator.TEN_THOUSAND;
            case MILLION -> Fraction.Denominator.MILLION;
            default -> throw at.field("denominator").invalid("unknown value " + value.getDenominatorValue()
                    + " (expected HUNDRED, TEN_THOUSAND or MILLION)");
        };
        return new Fraction(Integer.toUnsignedLong(value.getNumerator()), denominator);
    }
}
