package dev.outrigger.sidecar.ratelimit.global;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class XRateLimitHeadersTest {

    private static DescriptorStatus status(long limit, RateLimitUnit unit, String name, long remaining, Duration reset) {
        return new DescriptorStatus(RateLimitCode.OK, new CurrentLimit(limit, unit, name), remaining, reset);
    }

    @Test
    void theStatusWithFewestRemainingDecidesAndEveryLimitIsListed() {
        XRateLimitHeaders h = XRateLimitHeaders.from(List.of(
                status(1000, RateLimitUnit.HOUR, "", 900, Duration.ofSeconds(3000)),
                status(10, RateLimitUnit.SECOND, "per-ip", 3, Duration.ofMillis(700)),
                DescriptorStatus.UNLIMITED));
        assertEquals(new XRateLimitHeaders("10, 1000;w=3600, 10;w=1;name=\"per-ip\"", "3", "0"), h,
                "reset is whole seconds, truncated as Envoy does");
    }

    @Test
    void theFirstOfEqualRemainingDecides() {
        XRateLimitHeaders h = XRateLimitHeaders.from(List.of(
                status(5, RateLimitUnit.MINUTE, "", 0, Duration.ofSeconds(42)),
                status(7, RateLimitUnit.DAY, "", 0, Duration.ofSeconds(9))));
        assertEquals("5, 5;w=60, 7;w=86400", h.limit());
        assertEquals("0", h.remaining());
        assertEquals("42", h.reset());
    }

    @Test
    void aLimitWithoutWindowDecidesButIsNotListed() {
        XRateLimitHeaders h = XRateLimitHeaders.from(List.of(
                status(3, RateLimitUnit.UNKNOWN, "x", 1, null),
                status(100, RateLimitUnit.WEEK, "", 50, Duration.ofDays(2)),
                status(100, RateLimitUnit.MONTH, "", 50, null),
                status(100, RateLimitUnit.YEAR, "", 50, null)));
        assertEquals("3, 100;w=604800, 100;w=2592000, 100;w=31536000", h.limit());
        assertEquals("1", h.remaining());
        assertEquals("0", h.reset(), "an unknown reset is 0");
    }

    @Test
    void noHeadersWithoutAnyCurrentLimit() {
        assertNull(XRateLimitHeaders.from(List.of()));
        assertNull(XRateLimitHeaders.from(List.of(DescriptorStatus.UNLIMITED, DescriptorStatus.NOT_CHECKED)));
    }
}
