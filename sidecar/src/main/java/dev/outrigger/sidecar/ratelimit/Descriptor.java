package dev.outrigger.sidecar.ratelimit;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A rate limit descriptor: an ordered list of key/value entries, as Envoy's
 * {@code RateLimitDescriptor}. Requests produce them from a route's {@code rate_limits}; the local
 * rate limit configuration lists them with a bucket each. Two descriptors are equal when their
 * entries are, in the same order: Envoy matches descriptors verbatim, never by a subset.
 */
public final class Descriptor {

    private final DescriptorEntry[] entries;
    private int hash;

    // Takes ownership of the array: callers hand over one they no longer touch.
    private Descriptor(DescriptorEntry[] entries) {
        if (entries.length == 0) {
            throw new IllegalArgumentException("a descriptor needs at least one entry");
        }
        for (DescriptorEntry e : entries) {
            if (e == null) {
                throw new NullPointerException("descriptor entry");
            }
        }
        this.entries = entries;
    }

    /** A descriptor of these entries, in this order. */
    public static Descriptor of(DescriptorEntry... entries) {
        return new Descriptor(entries.clone());
    }

    /** A descriptor of these entries, in this order. */
    public static Descriptor of(List<DescriptorEntry> entries) {
        return new Descriptor(entries.toArray(new DescriptorEntry[0]));
    }

    /** A descriptor of alternating keys and values: {@code of("k1", "v1", "k2", "v2")}. */
    public static Descriptor ofPairs(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must pair up, got " + keysAndValues.length
                    + " strings");
        }
        DescriptorEntry[] entries = new DescriptorEntry[keysAndValues.length / 2];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = new DescriptorEntry(keysAndValues[2 * i], keysAndValues[2 * i + 1]);
        }
        return new Descriptor(entries);
    }

    /** Wraps {@code entries[0..count)} without copying when the array is exactly filled. */
    static Descriptor adopt(DescriptorEntry[] entries, int count) {
        return new Descriptor(count == entries.length ? entries : Arrays.copyOf(entries, count));
    }

    /** The number of entries, at least one. */
    public int size() {
        return entries.length;
    }

    /** The entry at {@code index}. */
    public DescriptorEntry entry(int index) {
        return entries[index];
    }

    /** The entries, in order, as an unmodifiable list. */
    public List<DescriptorEntry> entries() {
        return Collections.unmodifiableList(Arrays.asList(entries));
    }

    /** True when some entry has an empty value: a configured descriptor with a bucket per distinct value. */
    public boolean isWildcard() {
        for (DescriptorEntry e : entries) {
            if (e.value().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code request}, a descriptor a request produced, fits this configured one: the
     * same keys in the same order, and the same value wherever this one's value is not empty.
     */
    public boolean covers(Descriptor request) {
        if (request.entries.length != entries.length) {
            return false;
        }
        for (int i = 0; i < entries.length; i++) {
            DescriptorEntry mine = entries[i];
            DescriptorEntry theirs = request.entries[i];
            if (!mine.key().equals(theirs.key())
                    || !(mine.value().isEmpty() || mine.value().equals(theirs.value()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Descriptor other && (o == this || Arrays.equals(entries, other.entries));
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(entries);
            hash = h;
        }
        return h;
    }

    /** The entries as {@code key=value} joined by ", ", e.g. {@code generic_key=api, remote_address=}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < entries.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(entries[i]);
        }
        return sb.toString();
    }
}
