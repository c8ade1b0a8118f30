package dev.outrigger.sidecar.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server-first port set: add once, look up lock-free, safe from several event loops. */
class ServerFirstPortsTest {

    @Test
    void portsAreRememberedOnce() {
        ServerFirstPorts ports = new ServerFirstPorts();
        assertFalse(ports.contains(3306));
        assertTrue(ports.add(3306));
        assertFalse(ports.add(3306), "already there");
        assertTrue(ports.add(25));
        assertTrue(ports.add(65535));
        assertTrue(ports.add(0));
        assertTrue(ports.contains(3306));
        assertTrue(ports.contains(25));
        assertTrue(ports.contains(65535));
        assertTrue(ports.contains(0));
        assertFalse(ports.contains(26));
        assertFalse(ports.contains(3307));
        assertEquals(4, ports.size());
    }

    @Test
    void portsOutsideTheRangeAreRefused() {
        ServerFirstPorts ports = new ServerFirstPorts();
        assertThrows(IllegalArgumentException.class, () -> ports.add(-1));
        assertThrows(IllegalArgumentException.class, () -> ports.add(65536));
        assertEquals(0, ports.size());
    }

    @Test
    void concurrentAddsAreAllKept() throws Exception {
        ServerFirstPorts ports = new ServerFirstPorts();
        int threads = 4;
        int perThread = 500;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        ports.add(1000 + i * threads + first);
                        ports.add(1000 + i * threads + (first + 1) % threads); // overlaps another thread's
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
            th.start();
            all.add(th);
        }
        start.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(threads * perThread, ports.size());
        for (int p = 1000; p < 1000 + threads * perThread; p++) {
            assertTrue(ports.contains(p), "port " + p);
        }
    }
}
