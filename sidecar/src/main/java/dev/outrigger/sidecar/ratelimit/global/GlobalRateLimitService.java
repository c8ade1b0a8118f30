package dev.outrigger.sidecar.ratelimit.global;

import dev.outrigger.sidecar.ratelimit.Descriptor;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A global rate limit backend: decides whether a request is over limits shared by every sidecar.
 * Implementations are safe to call from any thread and never block the caller, which is usually
 * a Netty event loop.
 */
public interface GlobalRateLimitService extends AutoCloseable {

    /**
     * Asks whether a request is over its limits, counting it against them when it is not (and,
     * depending on the backend, when it is).
     *
     * <p>Returns at once. The future completes on whichever thread the backend answers on (see the
     * implementation; never assume the caller's event loop), normally with a decision, and
     * exceptionally with a {@link GlobalRateLimitException} when the backend fails or does not
     * answer within its timeout. Cancelling the future abandons the call where the backend allows it.
     *
     * @param domain the rate limit domain, a namespace for the descriptors; not empty
     * @param descriptors the request's descriptors, in order; the decision has one status per descriptor
     * @param hitsAddend how much the request counts; 0 means 1, as in the protocol
     * @throws IllegalArgumentException when {@code domain} is empty or {@code hitsAddend} is negative
     */
    CompletableFuture<GlobalDecision> shouldRateLimit(String domain, List<Descriptor> descriptors, int hitsAddend);

    /**
     * Releases the connection and threads behind this service without waiting. Calls not yet
     * answered complete exceptionally; calls made afterwards complete exceptionally at once.
     */
    @Override
    void close();
}
