package dev.outrigger.sidecar.health;

import dev.outrigger.sidecar.cluster.HealthCheckConfig;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When the next probe of an endpoint starts, as Envoy computes it: the interval for the
 * endpoint's state (edge intervals right after a change, {@code unhealthy_interval} while
 * failed, else {@code interval}) plus random jitter.
 */
final class Intervals {

    private Intervals() {
    }

    /** The delay before the first probe: up to {@code initial_jitter}, at random. */
    static long initialDelay(HealthCheckConfig c) {
        return random(c.initialJitter().toNanos());
    }

    /** The delay after a probe, the endpoint being {@code failed}, {@code edge} when that just changed. */
    static long next(HealthCheckConfig c, boolean failed, boolean edge) {
        long base;
        if (edge) {
            base = (failed ? c.unhealthyEdgeInterval() : c.healthyEdgeInterval()).toNanos();
        } else {
            base = (failed ? c.unhealthyInterval() : c.interval()).toNanos();
        }
        long jitter = random(c.intervalJitter().toNanos());
        if (c.intervalJitterPercent() > 0) {
            jitter += random(base / 100 * c.intervalJitterPercent());
        }
        return base + jitter;
    }

    private static long random(long bound) {
        return bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound);
    }
}
