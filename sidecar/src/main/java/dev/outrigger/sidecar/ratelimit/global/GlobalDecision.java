package dev.outrigger.sidecar.ratelimit.global;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a global rate limit service decided for one request, with the semantics of the rate limit
 * service protocol's {@code RateLimitResponse}: Envoy's filter refuses the request when
 * {@link #isOverLimit()}, and otherwise forwards it with {@link #requestHeadersToAdd()}; either
 * way the response (the upstream's, or the refusal) gets {@link #responseHeadersToAdd()}, and
 * {@link XRateLimitHeaders#from} turns {@link #statuses()} into {@code x-ratelimit-*} values.
 *
 * @param overallCode the verdict on the request: OVER_LIMIT when any descriptor is over its limit
 * @param statuses one status per descriptor of the request, in the request's order
 * @param responseHeadersToAdd headers the service asks to add to the response
 * @param requestHeadersToAdd headers the service asks to add to the request when it is forwarded
 * @param rawBody the body the service asks to send with a refusal, empty for the filter's default
 */
public record GlobalDecision(RateLimitCode overallCode, List<DescriptorStatus> statuses,
        List<HeaderValue> responseHeadersToAdd, List<HeaderValue> requestHeadersToAdd, byte[] rawBody) {

    private static final byte[] NO_BODY = new byte[0];

    public GlobalDecision {
        Objects.requireNonNull(overallCode, "overallCode");
        statuses = List.copyOf(statuses);
        responseHeadersToAdd = List.copyOf(responseHeadersToAdd);
        requestHeadersToAdd = List.copyOf(requestHeadersToAdd);
        rawBody = rawBody.length == 0 ? NO_BODY : rawBody.clone();
    }

    /** A decision with these statuses and no headers or body. */
    public static GlobalDecision of(RateLimitCode overallCode, List<DescriptorStatus> statuses) {
        return new GlobalDecision(overallCode, statuses, List.of(), List.of(), NO_BODY);
    }

    /** True when the request is to be refused: the overall code is OVER_LIMIT. */
    public boolean isOverLimit() {
        return overallCode == RateLimitCode.OVER_LIMIT;
    }

    /** A copy of the body for a refusal; empty when the service sent none. */
    @Override
    public byte[] rawBody() {
        return rawBody.length == 0 ? NO_BODY : rawBody.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GlobalDecision d && overallCode == d.overallCode && statuses.equals(d.statuses)
                && responseHeadersToAdd.equals(d.responseHeadersToAdd)
                && requestHeadersToAdd.equals(d.requestHeadersToAdd) && Arrays.equals(rawBody, d.rawBody);
    }

    @Override
    public int hashCode() {
        return Objects.hash(overallCode, statuses, responseHeadersToAdd, requestHeadersToAdd)
                * 31 + Arrays.hashCode(rawBody);
    }

    @Override
    public String toString() {
        return "GlobalDecision[" + overallCode + ", statuses=" + statuses + ", responseHeadersToAdd="
                + responseHeadersToAdd + ", requestHeadersToAdd=" + requestHeadersToAdd + ", rawBody="
                + rawBody.length + " bytes]";
    }
}
