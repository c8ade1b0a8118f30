package dev.outrigger.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples the default buffer allocator's used memory (direct and heap) every millisecond, from
 * when it is created until it is closed, and keeps the peak above what was in use at the start.
 * Everything in the test JVM that uses the default allocator counts: proxy, clients and upstreams.
 */
public final class BufferMemorySampler implements AutoCloseable {

    private final AtomicLong peak = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    /** Starts sampling. */
    public BufferMemorySampler() {
        ByteBufAllocatorMetric m = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        long base = m.usedDirectMemory() + m.usedHeapMemory();
        thread = new Thread(() -> {
            while (running.get()) {
                long used = m.usedDirectMemory() + m.usedHeapMemory() - base;
                peak.accumulateAndGet(used, Math::max);
                LockSupport.parkNanos(1_000_000);
            }
        }, "memory-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** The highest used memory seen so far, in bytes above the starting point. */
    public long peak() {
        return peak.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
    }
}
