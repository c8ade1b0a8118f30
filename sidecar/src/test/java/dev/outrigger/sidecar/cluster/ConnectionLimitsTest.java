package dev.outrigger.sidecar.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Cluster and endpoint connection limits, and the pending-request limit. */
class ConnectionLimitsTest {

    private static List<EndpointState> endpoints(int n) {
        EndpointConfig[] eps = new EndpointConfig[n];
        for (int i = 0; i < n; i++) {
            eps[i] = new EndpointConfig("127.0.0.1", 8000 + i, 1);
        }
        return LoadBalancers.endpointStates(List.of(eps), List.of());
    }

    @Test
    void endpointLimitAndClusterLimitBothHold() {
        List<EndpointState> eps = endpoints(2);
        ConnectionLimits limits = new ConnectionLimits(new ConnectionPoolSettings(3, 2, 0, Duration.ZERO, 100));
        assertTrue(limits.tryReserveConnection(eps.get(0)));
        assertTrue(limits.tryReserveConnection(eps.get(0)));
        assertFalse(limits.tryReserveConnection(eps.get(0)), "endpoint limit 2");
        assertTrue(limits.tryReserveConnection(eps.get(1)));
        assertFalse(limits.tryReserveConnection(eps.get(1)), "cluster limit 3");
        assertEquals(3, limits.connections());
        assertEquals(1, eps.get(1).activeConnections(), "a refused reservation leaves no trace");
        limits.releaseConnection(eps.get(0));
        assertTrue(limits.tryReserveConnection(eps.get(1)));
    }

    @Test
    void pendingLimitZeroMeansNoQueue() {
        ConnectionLimits limits = new ConnectionLimits(new ConnectionPoolSettings(1, 1, 0, Duration.ZERO, 100));
        assertFalse(limits.tryReservePending());
        ConnectionLimits one = new ConnectionLimits(new ConnectionPoolSettings(1, 1, 1, Duration.ZERO, 100));
        assertTrue(one.tryReservePending());
        assertFalse(one.tryReservePending());
        one.releasePending();
        assertTrue(one.tryReservePending());
    }

    @Test
    void concurrentReservationsNeverExceedTheLimit() throws Exception {
        List<EndpointState> eps = endpoints(1);
        ConnectionLimits limits = new ConnectionLimits(new ConnectionPoolSettings(1000, 5, 0, Duration.ZERO, 100));
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int i = 0; i < 1000; i++) {
                    if (limits.tryReserveConnection(eps.get(0))) {
                        granted.incrementAndGet();
                    }
                }
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(5, granted.get());
        assertEquals(5, eps.get(0).activeConnections());
    }
}
