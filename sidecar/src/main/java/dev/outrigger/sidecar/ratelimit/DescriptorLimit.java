package dev.outrigger.sidecar.ratelimit;

import java.util.Objects;

/**
 * A configured descriptor and its bucket, as Envoy's {@code LocalRateLimitDescriptor}. A
 * {@link Descriptor#isWildcard() wildcard} descriptor gets one bucket per distinct request descriptor it covers.
 *
 * @param descriptor the entries a request descriptor must match verbatim (empty values match any value)
 * @param tokenBucket the bucket each match draws from
 */
public record DescriptorLimit(Descriptor descriptor, TokenBucketSpec tokenBucket) {

    public DescriptorLimit {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(tokenBucket, "tokenBucket");
    }
}
