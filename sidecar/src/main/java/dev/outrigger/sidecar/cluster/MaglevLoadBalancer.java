package dev.outrigger.sidecar.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Envoy's {@code MAGLEV}: consistent hashing through a lookup table of prime size (Maglev paper,
 * section 3.4, pseudocode listing 1, with Envoy's weighting). Spreads keys more evenly than a
 * ring and picks in constant time; on a change of endpoints most keys, though not all, keep
 * their endpoint.
 *
 * <p><b>Building</b> follows Envoy's {@code MaglevTable}: endpoints are sorted by their key,
 * {@code host:port} ({@link EndpointState#hostPort()}, the address string Envoy hashes), so the
 * table does not depend on the order of the list. Each endpoint's permutation of the table slots
 * starts at {@code offset = XXH64(key, seed 0) mod M} and steps by {@code skip = XXH64(key, seed
 * 1) mod (M - 1) + 1} (unsigned), which visits every slot because {@code M} is prime. The table
 * is filled in rounds; in each round every endpoint whose turn it is takes the next free slot of
 * its permutation. An endpoint of the largest weight has a turn every round, one of a third of
 * that weight every third round, and so on, so slots are shared in proportion to weight.
 *
 * <p><b>Picking</b> is {@code table[hash mod M]} with the hash taken as unsigned, as in Envoy. A
 * request without a hash gets a random one, as in Envoy. The table is immutable, built once:
 * picking takes no lock and allocates nothing. Weights are read at construction; build a new
 * balancer when endpoints or weights change.
 *
 * <p><b>Deviations from Envoy</b>: the turn of each endpoint is decided in exact integer
 * arithmetic on the configured weights (round {@code r} is a turn when {@code r * w >= k *
 * maxWeight}, {@code k} being the turns taken so far), where Envoy compares normalized weights
 * as doubles; where rounding tips Envoy's comparison the tables differ by a few slots. The table
 * holds endpoint references directly (Envoy's "original" table, not its bit-packed compact one).
 * No {@code use_hostname_for_hashing}, no {@code hash_balance_factor}, no retry-attempt hash
 * mutation, no locality weighting.
 */
public final class MaglevLoadBalancer implements LoadBalancer {

    /** Envoy's default {@code table_size}, the paper's recommendation. */
    public static final int DEFAULT_TABLE_SIZE = 65537;
    /** Envoy's limit on {@code table_size}. */
    public static final int MAX_TABLE_SIZE = 5000011;

    private final EndpointState[] table;

    /** A table of Envoy's default size, 65537. */
    public MaglevLoadBalancer(List<EndpointState> endpoints) {
        this(endpoints, DEFAULT_TABLE_SIZE);
    }

    /**
     * A table of {@code tableSize} slots.
     *
     * @throws IllegalArgumentException unless {@code tableSize} is a prime no larger than 5000011
     */
    public MaglevLoadBalancer(List<EndpointState> endpoints, int tableSize) {
        if (tableSize > MAX_TABLE_SIZE || !isPrime(tableSize)) {
            throw new IllegalArgumentException("maglev: the table size must be a prime number no larger than "
                    + MAX_TABLE_SIZE + ", got " + tableSize);
        }
        List<EndpointState> sorted = new ArrayList<>(endpoints);
        sorted.sort(Comparator.comparing(EndpointState::hostPort));
        int n = sorted.size();
        if (n == 0) {
            this.table = new EndpointState[0];
            return;
        }
        long[] next = new long[n]; // position in the permutation, as a slot
        long[] skip = new long[n];
        long[] weight = new long[n];
        long[] turns = new long[n];
        long maxWeight = 0;
        for (int i = 0; i < n; i++) {
            EndpointState e = sorted.get(i);
            byte[] key = e.hostPort().getBytes(StandardCharsets.UTF_8);
            next[i] = Long.remainderUnsigned(XxHash64.hash(key, 0, key.length, 0), tableSize);
            skip[i] = Long.remainderUnsigned(XxHash64.hash(key, 0, key.length, 1), tableSize - 1) + 1;
            weight[i] = Math.max(1, e.config().weight());
            maxWeight = Math.max(maxWeight, weight[i]);
        }
        EndpointState[] t = new EndpointState[tableSize];
        int filled = 0;
        for (long round = 1; filled < tableSize; round++) {
            for (int i = 0; i < n && filled < tableSize; i++) {
                if (round * weight[i] < turns[i] * maxWeight) {
                    continue;
                }
                turns[i]++;
                long slot = next[i];
                while (t[(int) slot] != null) {
                    slot = (slot + skip[i]) % tableSize;
                }
                t[(int) slot] = sorted.get(i);
                next[i] = (slot + skip[i]) % tableSize;
                filled++;
            }
        }
        this.table = t;
    }

    @Override
    public EndpointState choose(LbContext context) {
        EndpointState[] t = table;
        if (t.length == 0) {
            return null;
        }
        long h = context.hasHash() ? context.hash() : ThreadLocalRandom.current().nextLong();
        return t[(int) Long.remainderUnsigned(h, t.length)];
    }

    /** Whether {@code n} is prime (trial division; table sizes are at most 5000011). */
    static boolean isPrime(long n) {
        if (n < 2) {
            return false;
        }
        if (n % 2 == 0) {
            return n == 2;
        }
        for (long d = 3; d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
