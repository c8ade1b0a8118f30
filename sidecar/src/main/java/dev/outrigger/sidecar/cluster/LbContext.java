package dev.outrigger.sidecar.cluster;

/**
 * What a load balancer may know of the request it picks an endpoint for. Hash-based policies
 * (ring hash, Maglev) use {@link #hash()}; the others ignore it. Implemented by the data path
 * without allocating per request.
 */
public interface LbContext {

    /** A request with nothing to hash: hash-based policies pick as if at random. */
    LbContext NONE = new LbContext() {
        @Override
        public boolean hasHash() {
            return false;
        }

        @Override
        public long hash() {
            return 0;
        }
    };

    /** Whether the route's {@code hash_policy} produced a hash for this request. */
    boolean hasHash();

    /** The request's 64-bit hash, meaningful only when {@link #hasHash()}. */
    long hash();
}
