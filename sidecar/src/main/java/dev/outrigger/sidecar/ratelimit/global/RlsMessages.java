package dev.outrigger.sidecar.ratelimit.global;

import dev.outrigger.sidecar.ratelimit.Descriptor;
import dev.outrigger.sidecar.ratelimit.DescriptorEntry;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts between Outrigger's descriptors and decisions and the rate limit service protocol's
 * {@code RateLimitRequest} and {@code RateLimitResponse} ({@code envoy.service.ratelimit.v3}).
 */
final class RlsMessages {

    private RlsMessages() {
    }

    /** The request for {@code descriptors} in {@code domain}; a {@code hitsAddend} of 0 is left unset (it means 1). */
    static RateLimitRequest request(String domain, List<Descriptor> descriptors, int hitsAddend) {
        RateLimitRequest.Builder request = RateLimitRequest.newBuilder().setDomain(domain).setHitsAddend(hitsAddend);
        for (Descriptor d : descriptors) {
            RateLimitDescriptor.Builder out = request.addDescriptorsBuilder();
            for (DescriptorEntry e : d.entries()) {
                out.addEntriesBuilder().setKey(e.key()).setValue(e.value());
            }
        }
        return request.build();
    }

    /**
     * The decision in {@code response}. Its statuses are taken as the service sent them: the
     * protocol has one per request descriptor, in order, but like Envoy Outrigger does not insist.
     *
     * @param service names the service in errors
     * @throws GlobalRateLimitException when a header to add is not a valid one (a pseudo-header,
     *     {@code host}, an invalid name, or CR, LF or NUL in the value)
     */
    static GlobalDecision decision(RateLimitResponse response, String service) {
        List<DescriptorStatus> statuses = new ArrayList<>(response.getStatusesCount());
        for (RateLimitResponse.DescriptorStatus s : response.getStatusesList()) {
            statuses.add(status(s));
        }
        return new GlobalDecision(code(response.getOverallCode()), statuses,
                headers(response.getResponseHeadersToAddList(), "response_headers_to_add", service),
                headers(response.getRequestHeadersToAddList(), "request_headers_to_add", service),
                response.getRawBody().toByteArray());
    }

    private static DescriptorStatus status(RateLimitResponse.DescriptorStatus s) {
        CurrentLimit limit = null;
        if (s.hasCurrentLimit()) {
            RateLimitResponse.RateLimit l = s.getCurrentLimit();
            limit = new CurrentLimit(Integer.toUnsignedLong(l.getRequestsPerUnit()), unit(l.getUnit()), l.getName());
        }
        Duration reset = null;
        if (s.hasDurationUntilReset()) {
            com.google.protobuf.Duration d = s.getDurationUntilReset();
            reset = Duration.ofSeconds(d.getSeconds(), d.getNanos());
            if (reset.isNegative()) {
                reset = Duration.ZERO;
            }
        }
        return new DescriptorStatus(code(s.getCode()), limit, Integer.toUnsignedLong(s.getLimitRemaining()), reset);
    }

    static RateLimitCode code(RateLimitResponse.Code code) {
        return switch (code) {
            case OK -> RateLimitCode.OK;
            case OVER_LIMIT -> RateLimitCode.OVER_LIMIT;
            // UNKNOWN, and any value newer than this build: the filter lets such a request through.
            default -> RateLimitCode.UNKNOWN;
        };
    }

    static RateLimitUnit unit(RateLimitResponse.RateLimit.Unit unit) {
        return switch (unit) {
            case SECOND -> RateLimitUnit.SECOND;
            case MINUTE -> RateLimitUnit.MINUTE;
            case HOUR -> RateLimitUnit.HOUR;
            case DAY -> RateLimitUnit.DAY;
            case WEEK -> RateLimitUnit.WEEK;
            case MONTH -> RateLimitUnit.MONTH;
            case YEAR -> RateLimitUnit.YEAR;
            default -> RateLimitUnit.UNKNOWN;
        };
    }

    private static List<HeaderValue> headers(
            List<io.envoyproxy.envoy.config.core.v3.HeaderValue> headers,
            String field, String service) {
        if (headers.isEmpty()) {
            return List.of();
        }
        List<HeaderValue> out = new ArrayList<>(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            io.envoyproxy.envoy.config.core.v3.HeaderValue h = headers.get(i);
            // raw_value carries bytes that are not UTF-8; ISO-8859-1 keeps each byte as one char.
            String value = h.getValue().isEmpty() && !h.getRawValue().isEmpty()
                    ? h.getRawValue().toString(StandardCharsets.ISO_8859_1)
                    : h.getValue();
            try {
                out.add(new HeaderValue(h.getKey(), value));
            } catch (IllegalArgumentException e) {
                throw new GlobalRateLimitException(service + " answered with an invalid " + field + "[" + i + "]: "
                        + e.getMessage());
            }
        }
        return out;
    }
}
