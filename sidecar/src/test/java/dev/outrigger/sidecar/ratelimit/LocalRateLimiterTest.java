package dev.outrigger.sidecar.ratelimit;

import static dev.outrigger.sidecar.ratelimit.TestLimits.perSecond;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.ratelimit.Decision.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {

    private final FakeNanoClock clock = new FakeNanoClock();

    private static Decision check(LocalRateLimiter limiter, Descriptor... descriptors) {
        return limiter.check(List.of(descriptors), 0.0, 0.0);
    }

    private static int admitted(LocalRateLimiter limiter, int attempts, Descriptor... descriptors) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            if (check(limiter, descriptors).outcome() == Outcome.ALLOWED) {
                n++;
            }
        }
        return n;
    }

    @Test
    void theDefaultBucketAdmitsMaxTokensThenRefusesUntilItFills() {
        LocalRateLimiter limiter = TestLimits.withBucket(new TokenBucketSpec(3, 2, Duration.ofSeconds(1)))
                .limiter(clock);
        for (int i = 0; i < 3; i++) {
            Decision d = check(limiter);
            assertEquals(Outcome.ALLOWED, d.outcome());
            assertEquals(3, d.limit());
            assertEquals(2 - i, d.remaining());
            assertNull(d.descriptor(), "the default bucket has no descriptor");
        }
        Decision refused = check(limiter);
        assertEquals(Outcome.LIMITED, refused.outcome());
        assertTrue(refused.rejected());
        assertEquals(0, refused.remaining());
        assertEquals(1, refused.resetSeconds());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(2, admitted(limiter, 5), "one fill of two tokens");
    }

    @Test
    void aFilterNotEnabledForTheRequestTakesNothing() {
        LocalRateLimiter limiter = TestLimits.withBucket(perSecond(1)).enabled(Fraction.NONE).limiter(clock);
        for (int i = 0; i < 3; i++) {
            assertSame(Decision.NOT_ENABLED, check(limiter));
        }
        assertEquals(-1, Decision.NOT_ENABLED.limit());
    }

    @Test
    void enabledShareIsTheLowestRolls() {
        LocalRateLimiter half = TestLimits.withBucket(perSecond(100))
                .enabled(new Fraction(50, Fraction.Denominator.HUNDRED)).limiter(clock);
        assertEquals(Outcome.ALLOWED, half.check(List.of(), 0.0, 0.0).outcome());
        assertEquals(Outcome.ALLOWED, half.check(List.of(), 0.4999, 0.0).outcome());
        assertEquals(Outcome.NOT_ENABLED, half.check(List.of(), 0.5, 0.0).outcome());
        assertEquals(Outcome.NOT_ENABLED, half.check(List.of(), 0.9999, 0.0).outcome());
    }

    @Test
    void fractionEdges() {
        Fraction oneInAMillion = new Fraction(1, Fraction.Denominator.MILLION);
        assertTrue(oneInAMillion.includes(0.0));
        assertTrue(oneInAMillion.includes(0.0000009));
        assertFalse(oneInAMillion.includes(0.000001));
        Fraction allOfTenThousand = new Fraction(10_000, Fraction.Denominator.TEN_THOUSAND);
        assertTrue(allOfTenThousand.includes(0.9999999999));
        assertTrue(new Fraction(250, Fraction.Denominator.HUNDRED).includes(0.9999999999), "above 100% is all");
        assertFalse(Fraction.NONE.includes(0.0));
        assertTrue(Fraction.ALL.includes(Math.nextDown(1.0)));
    }

    @Test
    void anUnenforcedLimitForwardsButStillCounts() {
        LocalRateLimiter limiter = TestLimits.withBucket(perSecond(1))
                .enforced(new Fraction(30, Fraction.Denominator.HUNDRED)).limiter(clock);
        assertEquals(Outcome.ALLOWED, limiter.check(List.of(), 0.0, 0.99).outcome());
        Decision unenforced = limiter.check(List.of(), 0.0, 0.3);
        assertEquals(Outcome.LIMITED_NOT_ENFORCED, unenforced.outcome());
        assertFalse(unenforced.rejected());
        assertEquals(Outcome.LIMITED, limiter.check(List.of(), 0.0, 0.2999).outcome());
    }

    @Test
    void aMatchingDescriptorLimitsWithItsOwnBucketAndAlsoTakesFromTheDefault() {
        Descriptor login = Descriptor.ofPairs("path", "/login");
        LocalRateLimiter limiter = TestLimits.withBucket(perSecond(10))
                .descriptor(perSecond(2), "path", "/login").limiter(clock);
        Decision first = check(limiter, login);
        assertEquals(Outcome.ALLOWED, first.outcome());
        assertEquals(login, first.descriptor(), "the descriptor's bucket, not the default, reports");
        assertEquals(2, first.limit());
        assertEquals(Outcome.ALLOWED, check(limiter, login).outcome());
        Decision third = check(limiter, login);
        assertEquals(Outcome.LIMITED, third.outcome());
        assertEquals(login, third.descriptor());
        assertEquals(8, admitted(limiter, 20, Descriptor.ofPairs("path", "/other")),
                "the two admitted logins took from the default bucket too");
    }

    @Test
    void withoutAlwaysConsumeTheDefaultBucketIsOnlyForUnmatchedRequests() {
        Descriptor login = Descriptor.ofPairs("path", "/login");
        LocalRateLimiter limiter = TestLimits.withBucket(perSecond(3)).alwaysConsumeDefault(false)
                .descriptor(perSecond(5), "path", "/login").limiter(clock);
        assertEquals(5, admitted(limiter, 10, login));
        assertEquals(3, admitted(limiter, 10), "the default bucket is untouched by matched requests");
    }

    @Test
    void noDefaultBucketMeansUnmatchedRequestsAreNotLimited() {
        LocalRateLimiter limiter = TestLimits.withoutDefaultBucket()
                .descriptor(perSecond(1), "path", "/login").limiter(clock);
        Decision d = check(limiter, Descriptor.ofPairs("path", "/home"));
        assertEquals(Outcome.ALLOWED, d.outcome());
        assertNull(d.bucket(), "no bucket decided, so no x-ratelimit headers");
        assertEquals(100, admitted(limiter, 100));
        assertEquals(1, admitted(limiter, 5, Descriptor.ofPairs("path", "/login")));
    }

    @Test
    void theSlowestFillingMatchIsTriedFirstAndSparesTheOthers() {
        Descriptor user = Descriptor.ofPairs("user", "alice");
        Descriptor path = Descriptor.ofPairs("path", "/upload");
        // 2 per 10 s is stricter than 5 per second, though listed second and matched second.
        LocalRateLimiter limiter = TestLimits.withBucket(perSecond(1000))
                .descriptor(perSecond(5), "user", "alice")
                .descriptor(new TokenBucketSpec(2, 2, Duration.ofSeconds(10)), "path", "/upload")
                .limiter(clock);
        Decision first = check(limiter, user, path);
        assertEquals(path, first.descriptor(), "the strictest bucket reports on admission");
        assertEquals(Outcome.ALLOWED, check(limiter, user, path).outcome());
        Decision refused = check(limiter, user, path);
        assertEquals(Outcome.LIMITED, refused.outcome());
        assertEquals(path, refused.descriptor());
        assertEquals(3, admitted(limiter, 10, user), "refusals by the strict bucket took nothing from the user's");
    }

    @Test
    void aBucketMatchedTwiceByOneRequestIsDrawnOnce() {
        Descriptor login = Descriptor.ofPairs("path", "/login");
        LocalRateLimiter limiter = TestLimits.withBucket(perSecond(100))
                .descriptor(perSecond(4), "path", "/login").limiter(clock);
        assertEquals(4, admitted(limiter, 10, login, login));
    }

    @Test
    void aWildcardGivesEachDistinctValueItsOwnBucket() {
        Descriptor wildcard = Descriptor.ofPairs("remote_address", "");
        LocalRateLimiter limiter = TestLimits.withBucket(perSecond(1000))
                .descriptor(perSecond(2), "remote_address", "").limiter(clock);
        Descriptor a = Descriptor.ofPairs("remote_address", "10.0.0.1");
        Descriptor b = Descriptor.ofPairs("remote_address", "10.0.0.2");
        assertEquals(2, admitted(limiter, 5, a));
        assertEquals(2, admitted(limiter, 5, b), "b's bucket is not a's");
        Decision refused = check(limiter, a);
        assertEquals(wildcard, refused.descriptor(), "metrics see the configured descriptor, not the address");
        assertEquals(2, limiter.dynamicBucketCount(wildcard));
        assertEquals(Outcome.ALLOWED, check(limiter, Descriptor.ofPairs("other", "x")).outcome());
        assertEquals(2, limiter.dynamicBucketCount(wildcard), "a descriptor of other keys makes no bucket");
    }

    @Test
    void anExactDescriptorWinsOverAWildcardOfTheSameKeys() {
        LocalRateLimiter limiter = TestLimits.withBucket(perSecond(1000))
                .descriptor(perSecond(2), "client", "")
                .descriptor(perSecond(5), "client", "vip").limiter(clock);
        assertEquals(5, admitted(limiter, 10, Descriptor.ofPairs("client", "vip")));
        assertEquals(0, limiter.dynamicBucketCount(Descriptor.ofPairs("client", "")));
    }

    @Test
    void wildcardBucketsAreCappedAndTheLeastRecentlyUsedGoesFirst() {
        Descriptor wildcard = Descriptor.ofPairs("user", "");
        LocalRateLimiter limiter = TestLimits.withBucket(perSecond(1000)).maxDynamicDescriptors(2)
                .descriptor(perSecond(3), "user", "").limiter(clock);
        Descriptor a = Descriptor.ofPairs("user", "a");
        Descriptor b = Descriptor.ofPairs("user", "b");
        Descriptor c = Descriptor.ofPairs("user", "c");
        assertEquals(3, admitted(limiter, 5, a));
        assertEquals(3, admitted(limiter, 5, b));
        assertEquals(0, admitted(limiter, 1, a), "a used last: b is now the least recent");
        assertEquals(3, admitted(limiter, 5, c));
        assertEquals(2, limiter.dynamicBucketCount(wildcard));
        assertEquals(0, admitted(limiter, 1, a), "a kept its empty bucket");
        assertEquals(3, admitted(limiter, 5, b), "b was evicted and comes back full");
        assertEquals(2, limiter.dynamicBucketCount(wildcard));
        assertThrows(IllegalArgumentException.class, () -> limiter.dynamicBucketCount(Descriptor.ofPairs("x", "")));
    }

    @Test
    void descriptorBucketsRefillByTheirOwnInterval() {
        Descriptor slow = Descriptor.ofPairs("k", "slow");
        LocalRateLimiter limiter = TestLimits.withBucket(perSecond(100))
                .descriptor(new TokenBucketSpec(1, 1, Duration.ofSeconds(3)), "k", "slow").limiter(clock);
        assertEquals(1, admitted(limiter, 3, slow));
        clock.advance(Duration.ofSeconds(2));
        assertEquals(0, admitted(limiter, 3, slow));
        assertEquals(1, check(limiter, slow).resetSeconds());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, admitted(limiter, 3, slow));
    }

    @Test
    void descriptorsAreBuiltOnlyWhenTheConfigurationHasDescriptorLimits() {
        List<RateLimitRule> route = List.of(RateLimitRule.of(new RateLimitAction.RemoteAddress()));
        TestInput input = TestInput.get("/").remoteIp("10.0.0.9");
        assertEquals(List.of(), TestLimits.withBucket(perSecond(1)).limiter(clock)
                .descriptors(input, route, List.of(), false));
        assertEquals(List.of(Descriptor.ofPairs("remote_address", "10.0.0.9")),
                TestLimits.withBucket(perSecond(1)).descriptor(perSecond(1), "remote_address", "").limiter(clock)
                        .descriptors(input, route, List.of(), false));
    }

    @Test
    void routeAndVirtualHostRulesCombineAsVhRateLimitsSays() {
        TestInput input = TestInput.get("/");
        List<RateLimitRule> route = List.of(RateLimitRule.of(key("route")));
        List<RateLimitRule> vhost = List.of(RateLimitRule.of(key("vhost")));
        Descriptor r = Descriptor.ofPairs("k", "route");
        Descriptor v = Descriptor.ofPairs("k", "vhost");
        TestLimits limits = TestLimits.withBucket(perSecond(1)).descriptor(perSecond(1), "k", "x");
        LocalRateLimiter override = limits.limiter(clock);
        assertEquals(List.of(r), override.descriptors(input, route, vhost, false));
        assertEquals(List.of(v), override.descriptors(input, List.of(), vhost, false), "no route rules: the vhost's");
        assertEquals(List.of(r, v), override.descriptors(input, route, vhost, true), "include_vh_rate_limits");
        LocalRateLimiter include = limits.virtualHostRateLimits(LocalRateLimitConfig.VirtualHostRateLimits.INCLUDE)
                .limiter(clock);
        assertEquals(List.of(r, v), include.descriptors(input, route, vhost, false));
        LocalRateLimiter ignore = limits.virtualHostRateLimits(LocalRateLimitConfig.VirtualHostRateLimits.IGNORE)
                .limiter(clock);
        assertEquals(List.of(), ignore.descriptors(input, List.of(), vhost, false));
    }

    @Test
    void theFiltersOwnRulesReplaceTheRoutesAndStagesSelectRules() {
        TestInput input = TestInput.get("/");
        List<RateLimitRule> route = List.of(RateLimitRule.of(key("stage0")),
                new RateLimitRule(2, "", List.of(key("stage2"))));
        TestLimits limits = TestLimits.withBucket(perSecond(1)).descriptor(perSecond(1), "k", "x");
        assertEquals(List.of(Descriptor.ofPairs("k", "stage2")),
                limits.stage(2).limiter(clock).descriptors(input, route, List.of(), false));
        LocalRateLimiter own = limits.stage(0).rateLimits(List.of(RateLimitRule.of(key("filter")))).limiter(clock);
        assertEquals(List.of(Descriptor.ofPairs("k", "filter")), own.descriptors(input, route, route, true));
    }

    @Test
    void xRateLimitHeadersReportTheDecidingBucket() {
        LocalRateLimitConfig on = TestLimits.withBucket(new TokenBucketSpec(5, 1, Duration.ofSeconds(60)))
                .xRateLimitHeaders().config();
        LocalRateLimiter limiter = new LocalRateLimiter(on, clock);
        Decision d = limiter.check(List.of(), 0.0, 0.0);
        clock.advance(Duration.ofMillis(10_500));
        MapHeaders headers = new MapHeaders();
        headers.set(RateLimitHeaders.LIMIT, "999");
        RateLimitHeaders.addTo(headers, on, d);
        assertEquals("5", headers.get(RateLimitHeaders.LIMIT), "replaces an upstream's value");
        assertEquals("4", headers.get(RateLimitHeaders.REMAINING));
        assertEquals("50", headers.get(RateLimitHeaders.RESET));

        MapHeaders untouched = new MapHeaders();
        RateLimitHeaders.addTo(untouched, TestLimits.withBucket(perSecond(5)).config(), d);
        RateLimitHeaders.addTo(untouched, on, Decision.NOT_ENABLED);
        assertTrue(untouched.isEmpty());
    }

    @Test
    void decisionsOnConfiguredBucketsAreMadeOnceNotPerRequest() {
        Descriptor login = Descriptor.ofPairs("path", "/login");
        LocalRateLimiter limiter = TestLimits.withBucket(perSecond(10))
                .descriptor(perSecond(5), "path", "/login").limiter(clock);
        assertSame(check(limiter), check(limiter));
        assertSame(check(limiter, login), check(limiter, login));
        assertEquals(Outcome.ALLOWED, check(limiter, login).outcome());
    }

    @Test
    void grpcStatusAndConfigurationInvariants() {
        LocalRateLimitConfig config = TestLimits.withBucket(perSecond(1)).config();
        assertEquals(LocalRateLimitConfig.GRPC_UNAVAILABLE, config.grpcStatus());
        assertThrows(IllegalArgumentException.class, () -> TestLimits.withBucket(perSecond(1))
                .descriptor(perSecond(1), "k", "v").descriptor(perSecond(2), "k", "v").config());
        assertThrows(IllegalArgumentException.class, () -> new Decision(Outcome.LIMITED, null, null));
    }

    private static RateLimitAction key(String value) {
        return new RateLimitAction.GenericKey(new DescriptorEntry("k", value));
    }
}
