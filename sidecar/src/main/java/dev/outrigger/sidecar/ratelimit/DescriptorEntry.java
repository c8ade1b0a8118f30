package dev.outrigger.sidecar.ratelimit;

import java.util.Objects;

/**
 * One key/value pair of a rate limit descriptor, as Envoy's {@code RateLimitDescriptor.Entry}.
 * In a configured descriptor an empty value is a wildcard: one bucket per distinct value.
 *
 * @param key the entry's key, e.g. {@code remote_address}; never empty
 * @param value the entry's value, e.g. {@code 10.0.0.1}
 */
public record DescriptorEntry(String key, String value) {

    public DescriptorEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a descriptor entry needs a key");
        }
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }
}
