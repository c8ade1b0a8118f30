package dev.outrigger.sidecar.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DynamicBucketsTest {

    private final FakeNanoClock clock = new FakeNanoClock();
    private final DescriptorLimit perUser = new DescriptorLimit(Descriptor.ofPairs("user", ""),
            new TokenBucketSpec(5, 1, Duration.ofSeconds(1)));

    private static TokenBucket bucket(DynamicBuckets buckets, Descriptor request) {
        return buckets.candidateFor(request).bucket;
    }

    private static Descriptor user(int i) {
        return Descriptor.ofPairs("user", "u" + i);
    }

    @Test
    void oneBucketPerDistinctValue() {
        DynamicBuckets buckets = new DynamicBuckets(perUser, 10, clock);
        TokenBucket a = bucket(buckets, user(1));
        assertSame(a, bucket(buckets, Descriptor.ofPairs("user", "u1")), "equal descriptors share a bucket");
        assertNotSame(a, bucket(buckets, user(2)));
        assertEquals(2, buckets.size());
        assertTrue(buckets.covers(user(3)));
        assertFalse(buckets.covers(Descriptor.ofPairs("client", "u1")));
    }

    @Test
    void evictionFollowsRecencyNotInsertionOrder() {
        DynamicBuckets buckets = new DynamicBuckets(perUser, 3, clock);
        TokenBucket first = bucket(buckets, user(1));
        bucket(buckets, user(2));
        bucket(buckets, user(3));
        bucket(buckets, user(1));
        bucket(buckets, user(2));
        bucket(buckets, user(4)); // evicts 3, the least recently used
        assertEquals(3, buckets.size());
        assertSame(first, bucket(buckets, user(1)));
        bucket(buckets, user(5)); // now 2 is the least recent: 1 and 4 were used after it
        assertEquals(3, buckets.size());
        TokenBucket four = bucket(buckets, user(4));
        assertSame(first, bucket(buckets, user(1)));
        assertSame(four, bucket(buckets, user(4)));
    }

    @Test
    void onlyWildcardsGetDynamicBuckets() {
        DescriptorLimit exact = new DescriptorLimit(Descriptor.ofPairs("user", "a"), perUser.tokenBucket());
        assertThrows(IllegalArgumentException.class, () -> new DynamicBuckets(exact, 1, clock));
        assertThrows(IllegalArgumentException.class, () -> new DynamicBuckets(perUser, 0, clock));
    }

    @Test
    void manyThreadsWithDistinctValuesNeverExceedTheCap() throws Exception {
        DynamicBuckets buckets = new DynamicBuckets(perUser, 20, clock);
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t * 10_000;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 2_000; i++) {
                        bucket(buckets, user(offset + i % 500)).tryConsume();
                        bucket(buckets, user(7)).tryConsume(); // one hot value shared by all
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(worker.isAlive());
        }
        assertEquals(List.of(), failures);
        assertEquals(20, buckets.size());
        // The eviction queue is still in step with the buckets: recency decides after the race too.
        TokenBucket hot = bucket(buckets, user(7));
        List<TokenBucket> fresh = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            fresh.add(bucket(buckets, user(1_000_000 + i)));
        }
        assertEquals(20, buckets.size());
        assertSame(hot, bucket(buckets, user(7)), "the 19 new values evicted the 19 older ones, not the hot one");
        bucket(buckets, user(2_000_000));
        assertSame(hot, bucket(buckets, user(7)));
        assertSame(fresh.get(18), bucket(buckets, user(1_000_018)));
        assertNotSame(fresh.get(0), bucket(buckets, user(1_000_000)), "the least recent new value went first");
    }
}
