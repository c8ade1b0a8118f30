package dev.outrigger.sidecar.ratelimit;

import dev.outrigger.sidecar.ratelimit.LocalRateLimitConfig.VirtualHostRateLimits;
import dev.outrigger.sidecar.route.HeaderMutations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds {@link LocalRateLimitConfig}s for tests: enabled and enforced everywhere unless told otherwise. */
final class TestLimits {

    private TokenBucketSpec bucket;
    private Fraction enabled = Fraction.ALL;
    private Fraction enforced = Fraction.ALL;
    private final List<DescriptorLimit> descriptors = new ArrayList<>();
    private int stage;
    private VirtualHostRateLimits vh = VirtualHostRateLimits.OVERRIDE;
    private boolean alwaysConsumeDefault = true;
    private List<RateLimitRule> rateLimits = List.of();
    private int maxDynamic = LocalRateLimitConfig.DEFAULT_MAX_DYNAMIC_DESCRIPTORS;
    private boolean xHeaders;

    static TokenBucketSpec perSecond(long tokens) {
        return new TokenBucketSpec(tokens, tokens, Duration.ofSeconds(1));
    }

    static TestLimits withBucket(TokenBucketSpec bucket) {
        TestLimits t = new TestLimits();
        t.bucket = bucket;
        return t;
    }

    static TestLimits withoutDefaultBucket() {
        return new TestLimits();
    }

    TestLimits descriptor(TokenBucketSpec limit, String... keysAndValues) {
        descriptors.add(new DescriptorLimit(Descriptor.ofPairs(keysAndValues), limit));
        return this;
    }

    TestLimits enabled(Fraction f) {
        enabled = f;
        return this;
    }

    TestLimits enforced(Fraction f) {
        enforced = f;
        return this;
    }

    TestLimits stage(int s) {
        stage = s;
        return this;
    }

    TestLimits virtualHostRateLimits(VirtualHostRateLimits option) {
        vh = option;
        return this;
    }

    TestLimits alwaysConsumeDefault(boolean b) {
        alwaysConsumeDefault = b;
        return this;
    }

    TestLimits rateLimits(List<RateLimitRule> rules) {
        rateLimits = rules;
        return this;
    }

    TestLimits maxDynamicDescriptors(int n) {
        maxDynamic = n;
        return this;
    }

    TestLimits xRateLimitHeaders() {
        xHeaders = true;
        return this;
    }

    LocalRateLimitConfig config() {
        return new LocalRateLimitConfig("test", bucket, enabled, enforced, 429, descriptors, stage, false, xHeaders, vh,
                alwaysConsumeDefault, false, rateLimits, maxDynamic, HeaderMutations.NONE, HeaderMutations.NONE);
    }

    LocalRateLimiter limiter(FakeNanoClock clock) {
        return new LocalRateLimiter(config(), clock);
    }
}
