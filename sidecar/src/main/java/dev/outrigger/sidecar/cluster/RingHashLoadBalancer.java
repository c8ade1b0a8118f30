package dev.outrigger.sidecar.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Envoy's {@code RING_HASH} (ketama consistent hashing), with its {@code xxHash} host hashing:
 * the same request hash keeps going to the same endpoint, and a change of endpoints moves only
 * the keys of the ring segments that changed owner.
 *
 * <p><b>Building</b> follows Envoy's {@code RingHashLoadBalancer::Ring}: weights are normalized
 * to sum to 1; the scale is {@code min(ceil(minWeight * minRingSize) / minWeight,
 * maxRingSize)} so that the lightest endpoint gets a whole number of entries and the ring stays
 * within its bounds; endpoints then get entries in proportion to their normalized weight,
 * counted with running sums so fractional shares add up to the ring size. Entry {@code i} of an
 * endpoint is at {@code XXH64("host:port_i")} (seed 0), the key Envoy hashes: the address string
 * ({@link EndpointState#hostPort()}), an underscore and the decimal index. Entries are sorted by
 * hash as unsigned 64-bit values.
 *
 * <p><b>Picking</b> is a binary search for the first entry whose hash is at or above the
 * request's hash, wrapping to the first entry past the last, as Envoy's ketama search does. A
 * request without a hash gets a random one, as in Envoy. The ring is two immutable arrays built
 * once: picking takes no lock and allocates nothing. Weights are read at construction; build a
 * new balancer when endpoints or weights change.
 *
 * <p><b>Deviations from Envoy</b>: endpoints are laid out in order of their {@code host:port}
 * (Envoy walks its host set in EDS order), so the ring does not depend on the order of the
 * list; with fractional shares this can decide which endpoint gets the extra entry, so a ring
 * may differ from Envoy's by that one entry per endpoint. Entries with equal hashes (a 64-bit
 * collision) are ordered by endpoint, where Envoy's unstable sort leaves it open. Only
 * {@code XX_HASH} is offered ({@code MURMUR_HASH_2} is not), no {@code use_hostname_for_hashing},
 * no {@code hash_balance_factor} (bounded load), no retry-attempt offset, no locality weighting.
 */
public final class RingHashLoadBalancer implements LoadBalancer {

    /** Envoy's default {@code minimum_ring_size}. */
    public static final long DEFAULT_MIN_RING_SIZE = 1024;
    /** Envoy's default {@code maximum_ring_size}, 8M entries. */
    public static final long DEFAULT_MAX_RING_SIZE = 8L * 1024 * 1024;
    /** Envoy's limit on both ring sizes, 8M entries. */
    public static final long RING_SIZE_LIMIT = 8L * 1024 * 1024;

    /** Entry hashes, sorted, each with its sign bit flipped so signed order is unsigned order. */
    private final long[] ring;
    /** The endpoint of each entry of {@link #ring}. */
    private final EndpointState[] owners;

    /** A ring with Envoy's default sizes. */
    public RingHashLoadBalancer(List<EndpointState> endpoints) {
        this(endpoints, DEFAULT_MIN_RING_SIZE, DEFAULT_MAX_RING_SIZE);
    }

    /**
     * A ring of at least {@code minRingSize} and at most {@code maxRingSize} entries (about; the
     * running sums can add one). As in Envoy, the maximum wins: below the number of endpoints,
     * some endpoints get no entry.
     *
     * @throws IllegalArgumentException unless {@code 1 <= minRingSize <= maxRingSize <= 8M}
     */
    public RingHashLoadBalancer(List<EndpointState> endpoints, long minRingSize, long maxRingSize) {
        if (minRingSize < 1 || maxRingSize > RING_SIZE_LIMIT) {
            throw new IllegalArgumentException("ring hash: ring sizes must be within [1, " + RING_SIZE_LIMIT
                    + "], got minimum_ring_size " + minRingSize + ", maximum_ring_size " + maxRingSize);
        }
        if (minRingSize > maxRingSize) {
            throw new IllegalArgumentException("ring hash: minimum_ring_size (" + minRingSize
                    + ") > maximum_ring_size (" + maxRingSize + ")");
        }
        List<EndpointState> sorted = new ArrayList<>(endpoints);
        sorted.sort(Comparator.comparing(EndpointState::hostPort));
        int n = sorted.size();
        if (n == 0) {
            this.ring = new long[0];
            this.owners = new EndpointState[0];
            return;
        }
        long sum = 0;
        for (EndpointState e : sorted) {
            sum += weight(e);
        }
        double minWeight = 1.0;
        for (EndpointState e : sorted) {
            minWeight = Math.min(minWeight, (double) weight(e) / sum);
        }
        double scale = Math.min(Math.ceil(minWeight * minRingSize) / minWeight, (double) maxRingSize);

        int capacity = (int) Math.ceil(scale) + n;
        long[] hashes = new long[capacity];
        int[] hostOf = new int[capacity];
        int count = 0;
        double current = 0;
        double target = 0;
        for (int h = 0; h < n; h++) {
            byte[] host = sorted.get(h).hostPort().getBytes(StandardCharsets.UTF_8);
            byte[] key = Arrays.copyOf(host, host.length + 1 + 20);
            key[host.length] = '_';
            target += scale * ((double) weight(sorted.get(h)) / sum);
            for (long i = 0; current < target && count < capacity; i++, current++, count++) {
                int len = writeDecimal(i, key, host.length + 1);
                hashes[count] = XxHash64.hash(key, 0, len, 0);
                hostOf[count] = h;
            }
        }

        long[] flipped = new long[count];
        for (int j = 0; j < count; j++) {
            flipped[j] = hashes[j] ^ Long.MIN_VALUE;
        }
        Arrays.sort(flipped);
        EndpointState[] byPosition = new EndpointState[count];
        for (int j = 0; j < count; j++) {
            // Equal hashes fill their run in generation order, i.e. in endpoint order.
            int pos = lowerBound(flipped, hashes[j] ^ Long.MIN_VALUE);
            while (byPosition[pos] != null) {
                pos++;
            }
            byPosition[pos] = sorted.get(hostOf[j]);
        }
        this.ring = flipped;
        this.owners = byPosition;
    }

    @Override
    public EndpointState choose(LbContext context) {
        EndpointState[] o = owners;
        if (o.length == 0) {
            return null;
        }
        long h = context.hasHash() ? context.hash() : ThreadLocalRandom.current().nextLong();
        int i = lowerBound(ring, h ^ Long.MIN_VALUE);
        return o[i == o.length ? 0 : i];
    }

    /** Entries on the ring. */
    int size() {
        return ring.length;
    }

    /** Entries of {@code endpoint} on the ring (a test and stats aid; walks the ring). */
    int entriesOf(EndpointState endpoint) {
        int c = 0;
        for (EndpointState e : owners) {
            if (e == endpoint) {
                c++;
            }
        }
        return c;
    }

    private static long weight(EndpointState e) {
        return Math.max(1, e.config().weight());
    }

    /** Index of the first element of sorted {@code a} that is {@code >= key}; a.length if none. */
    private static int lowerBound(long[] a, long key) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Writes {@code v >= 0} in decimal at {@code buf[off]}; returns the end offset. */
    private static int writeDecimal(long v, byte[] buf, int off) {
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        int end = off + digits;
        for (int p = end - 1; p >= off; p--, v /= 10) {
            buf[p] = (byte) ('0' + v % 10);
        }
        return end;
    }
}
