package dev.outrigger.sidecar.ratelimit.global;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.outrigger.sidecar.ratelimit.Descriptor;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RlsMessagesTest {

    @Test
    void requestCarriesDomainDescriptorsInOrderAndHits() {
        RateLimitRequest r = RlsMessages.request("shop",
                List.of(Descriptor.ofPairs("path", "/a", "method", "GET"), Descriptor.ofPairs("client", "")), 3);
        assertEquals("shop", r.getDomain());
        assertEquals(3, r.getHitsAddend());
        assertEquals(RateLimitDescriptor.newBuilder()
                .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("path").setValue("/a"))
                .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("method").setValue("GET"))
                .build(), r.getDescriptors(0));
        assertEquals("client", r.getDescriptors(1).getEntries(0).getKey());
        assertEquals(0, RlsMessages.request("d", List.of(), 0).getHitsAddend(), "0 stays unset: it means 1");
    }

    @Test
    void responseMapsEveryField() {
        RateLimitResponse response = RateLimitResponse.newBuilder()
                .setOverallCode(RateLimitResponse.Code.OVER_LIMIT)
                .addStatuses(RateLimitResponse.DescriptorStatus.newBuilder()
                        .setCode(RateLimitResponse.Code.OVER_LIMIT)
                        .setCurrentLimit(RateLimitResponse.RateLimit.newBuilder().setRequestsPerUnit(-1)
                                .setUnit(RateLimitResponse.RateLimit.Unit.MINUTE).setName("big"))
                        .setDurationUntilReset(com.google.protobuf.Duration.newBuilder().setSeconds(12).setNanos(5)))
                .addStatuses(RateLimitResponse.DescriptorStatus.newBuilder()
                        .setCode(RateLimitResponse.Code.OK).setLimitRemaining(-2))
                .addResponseHeadersToAdd(HeaderValue.newBuilder().setKey("X-Quota").setValue("low"))
                .addResponseHeadersToAdd(HeaderValue.newBuilder().setKey("x-raw")
                        .setRawValue(ByteString.copyFrom(new byte[] {(byte) 0xE9})))
                .addRequestHeadersToAdd(HeaderValue.newBuilder().setKey("x-tier").setValue("gold"))
                .setRawBody(ByteString.copyFromUtf8("slow down"))
                .build();
        GlobalDecision d = RlsMessages.decision(response, "rls");
        assertTrue(d.isOverLimit());
        assertEquals(List.of(
                new DescriptorStatus(RateLimitCode.OVER_LIMIT, new CurrentLimit(4294967295L, RateLimitUnit.MINUTE, "big"),
                        0, Duration.ofSeconds(12, 5)),
                new DescriptorStatus(RateLimitCode.OK, null, 4294967294L, null)), d.statuses(),
                "uint32 values above 2^31 stay unsigned");
        assertEquals(List.of(new dev.outrigger.sidecar.ratelimit.global.HeaderValue("x-quota", "low"),
                new dev.outrigger.sidecar.ratelimit.global.HeaderValue("x-raw", "\u00e9")), d.responseHeadersToAdd());
        assertEquals(List.of(new dev.outrigger.sidecar.ratelimit.global.HeaderValue("x-tier", "gold")),
                d.requestHeadersToAdd());
        assertArrayEquals("slow down".getBytes(StandardCharsets.UTF_8), d.rawBody());
    }

    @Test
    void unknownCodesAndUnitsLetTheRequestThrough() {
        GlobalDecision d = RlsMessages.decision(RateLimitResponse.newBuilder()
                .addStatuses(RateLimitResponse.DescriptorStatus.newBuilder()
                        .setCurrentLimit(RateLimitResponse.RateLimit.newBuilder().setRequestsPerUnit(5)))
                .build(), "rls");
        assertEquals(RateLimitCode.UNKNOWN, d.overallCode());
        assertFalse(d.isOverLimit());
        assertEquals(RateLimitUnit.UNKNOWN, d.statuses().get(0).currentLimit().unit());
        assertEquals(0, d.rawBody().length);
    }

    @Test
    void aHeaderThatCannotBeAddedFailsTheCall() {
        GlobalRateLimitException pseudo = assertThrows(GlobalRateLimitException.class, () -> RlsMessages.decision(
                RateLimitResponse.newBuilder().setOverallCode(RateLimitResponse.Code.OK)
                        .addRequestHeadersToAdd(HeaderValue.newBuilder().setKey(":path").setValue("/admin"))
                        .build(), "rate limit service rls"));
        assertEquals("rate limit service rls answered with an invalid request_headers_to_add[0]: pseudo-header"
                + " :path cannot be modified by header rules", pseudo.getMessage());
        GlobalRateLimitException smuggled = assertThrows(GlobalRateLimitException.class, () -> RlsMessages.decision(
                RateLimitResponse.newBuilder()
                        .addResponseHeadersToAdd(HeaderValue.newBuilder().setKey("ok").setValue("1"))
                        .addResponseHeadersToAdd(HeaderValue.newBuilder().setKey("x").setValue("a\r\nset-cookie: b"))
                        .build(), "rls"));
        assertEquals("rls answered with an invalid response_headers_to_add[1]: the value of x contains CR, LF or NUL",
                smuggled.getMessage());
    }
}
