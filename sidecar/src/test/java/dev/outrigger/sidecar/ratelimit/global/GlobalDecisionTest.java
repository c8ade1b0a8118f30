package dev.outrigger.sidecar.ratelimit.global;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outrigger.sidecar.ratelimit.Descriptor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decision's values: what they accept, and that they cannot be changed after the fact. */
class GlobalDecisionTest {

    @Test
    void theBodyIsCopiedInAndOut() {
        byte[] body = {1, 2, 3};
        GlobalDecision d = new GlobalDecision(RateLimitCode.OVER_LIMIT, List.of(), List.of(), List.of(), body);
        body[0] = 9;
        d.rawBody()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, d.rawBody());
        assertEquals(d, new GlobalDecision(RateLimitCode.OVER_LIMIT, List.of(), List.of(), List.of(),
                new byte[] {1, 2, 3}), "equal by content");
        assertEquals(d.hashCode(), new GlobalDecision(RateLimitCode.OVER_LIMIT, List.of(), List.of(), List.of(),
                new byte[] {1, 2, 3}).hashCode());
    }

    @Test
    void headersAreLowerCaseAndCannotTouchRoutingOrSmuggle() {
        assertEquals("x-quota", new HeaderValue("X-Quota", "1").name());
        assertEquals("host cannot be modified by header rules (use host_rewrite_literal)",
                assertThrows(IllegalArgumentException.class, () -> new HeaderValue("Host", "evil")).getMessage());
        assertEquals("\"bad name\" is not a valid header name",
                assertThrows(IllegalArgumentException.class, () -> new HeaderValue("bad name", "v")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HeaderValue("x", "a\u0000b"));
    }

    @Test
    void statusesAndLimitsStayWithinTheProtocolsRanges() {
        assertThrows(IllegalArgumentException.class, () -> CurrentLimit.of(-1, RateLimitUnit.SECOND));
        assertThrows(IllegalArgumentException.class, () -> CurrentLimit.of(1L << 32, RateLimitUnit.SECOND));
        assertThrows(IllegalArgumentException.class,
                () -> new DescriptorStatus(RateLimitCode.OK, null, -1, null));
        assertThrows(IllegalArgumentException.class,
                () -> new DescriptorStatus(RateLimitCode.OK, null, 0, Duration.ofMillis(-1)));
    }

    @Test
    void redisLimitsCountInSecondsToDaysAndNeverTwiceForOneDescriptor() {
        Descriptor d = Descriptor.ofPairs("k", "v");
        assertEquals("unit must be SECOND, MINUTE, HOUR or DAY, got WEEK", assertThrows(IllegalArgumentException.class,
                () -> new RedisLimit(d, 1, RateLimitUnit.WEEK)).getMessage());
        assertEquals(86_400_000, new RedisLimit(d, 1, RateLimitUnit.DAY).windowMillis());
        assertEquals("descriptor k=v has two limits", assertThrows(IllegalArgumentException.class,
                () -> new GlobalRateLimitBackend.Redis("r", 6379, RedisAlgorithm.FIXED_WINDOW, List.of(
                        new RedisLimit(d, 1, RateLimitUnit.SECOND), new RedisLimit(d, 2, RateLimitUnit.HOUR))))
                .getMessage());
    }

    @Test
    void limitsAreFoundExactlyFirstThenByTheFirstCoveringEmptyValue() {
        RedisLimit anyClient = new RedisLimit(Descriptor.ofPairs("client", ""), 1, RateLimitUnit.SECOND);
        RedisLimit anyClientAnyPath = new RedisLimit(Descriptor.ofPairs("client", "", "path", ""), 2,
                RateLimitUnit.SECOND);
        RedisLimit vip = new RedisLimit(Descriptor.ofPairs("client", "vip"), 3, RateLimitUnit.SECOND);
        LimitIndex index = new LimitIndex(List.of(anyClient, anyClientAnyPath, vip));
        assertEquals(vip, index.find(Descriptor.ofPairs("client", "vip")));
        assertEquals(anyClient, index.find(Descriptor.ofPairs("client", "joe")));
        assertEquals(anyClientAnyPath, index.find(Descriptor.ofPairs("client", "joe", "path", "/")));
        assertNull(index.find(Descriptor.ofPairs("path", "/")));
    }
}
