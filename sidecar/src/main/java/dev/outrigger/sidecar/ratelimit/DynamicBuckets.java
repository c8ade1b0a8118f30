package dev.outrigger.sidecar.ratelimit;

import java.util.Comparator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The buckets of one wildcard descriptor: one per distinct request descriptor it covers, at most
 * {@code capacity} of them, the least recently used evicted first (Envoy's
 * {@code max_dynamic_descriptors}). A request descriptor that comes back after eviction starts
 * again with a full bucket, as in Envoy. Shared by every event loop.
 *
 * <p>A request whose descriptor already has a bucket takes no lock: it looks the bucket up and
 * stamps it with a use number. Only a new descriptor locks, to add its bucket and evict; the
 * eviction queue orders buckets by the stamp they had when queued, and a bucket found stamped
 * since is queued again instead of evicted, so the bucket evicted is exactly the least recently
 * used one, at an amortized logarithmic cost per new descriptor.
 */
final class DynamicBuckets {

    private final DescriptorLimit limit;
    private final int capacity;
    private final LongSupplier nanoClock;
    private final Map<Descriptor, Slot> slots = new ConcurrentHashMap<>();
    // Recency is a use counter rather than the clock: two uses in the same nanosecond still have an order.
    private final AtomicLong uses = new AtomicLong();
    private final Object insertLock = new Object();
    private final PriorityQueue<Slot> evictionQueue = new PriorityQueue<>(Comparator.comparingLong(s -> s.queuedUse));

    private static final class Slot {
        final Descriptor descriptor;
        final Candidate candidate;
        volatile long lastUse;
        long queuedUse; // guarded by insertLock

        Slot(Descriptor descriptor, Candidate candidate, long use) {
            this.descriptor = descriptor;
            this.candidate = candidate;
            this.lastUse = use;
            this.queuedUse = use;
        }
    }

    DynamicBuckets(DescriptorLimit limit, int capacity, LongSupplier nanoClock) {
        if (!limit.descriptor().isWildcard()) {
            throw new IllegalArgumentException(limit.descriptor() + " is not a wildcard descriptor");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.limit = limit;
        this.capacity = capacity;
        this.nanoClock = nanoClock;
    }

    /** The configured wildcard descriptor. */
    Descriptor descriptor() {
        return limit.descriptor();
    }

    /** True when {@code request} is one of the descriptors these buckets are for. */
    boolean covers(Descriptor request) {
        return limit.descriptor().covers(request);
    }

    /**
     * The bucket of {@code request}, a descriptor this {@link #covers covers}, made full when new;
     * its decisions name the configured wildcard descriptor.
     */
    Candidate candidateFor(Descriptor request) {
        long use = uses.incrementAndGet();
        Slot slot = slots.get(request);
        if (slot != null) {
            slot.lastUse = use;
            return slot.candidate;
        }
        synchronized (insertLock) {
            slot = slots.get(request);
            if (slot != null) {
                slot.lastUse = use;
                return slot.candidate;
            }
            TokenBucket bucket = new TokenBucket(limit.tokenBucket(), nanoClock);
            slot = new Slot(request, new Candidate(bucket, limit.descriptor()), use);
            slots.put(request, slot);
            evictionQueue.add(slot);
            evictBeyondCapacity();
            return slot.candidate;
        }
    }

    /** The number of buckets kept now. */
    int size() {
        return slots.size();
    }

    private void evictBeyondCapacity() {
        // Each slot is requeued at most once per pass unless used again meanwhile; the bound only
        // guards against a pathological stream of uses racing the pass.
        int requeues = 2 * evictionQueue.size();
        while (slots.size() > capacity) {
            Slot oldest = evictionQueue.poll();
            long lastUse = oldest.lastUse;
            if (lastUse != oldest.queuedUse && requeues-- > 0) {
                oldest.queuedUse = lastUse;
                evictionQueue.add(oldest);
                continue;
            }
            slots.remove(oldest.descriptor, oldest);
        }
    }
}
