package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TestConfigs.bootstrap;
import static dev.outrigger.sidecar.server.TestConfigs.catchAll;
import static dev.outrigger.sidecar.server.TestConfigs.cluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.testing.BufferMemorySampler;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.RawHttpClient.Response;
import dev.outrigger.testing.Reply;
import dev.outrigger.testing.TestUpstream;
import io.netty.util.ResourceLeakDetector;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A gibibyte each way through the proxy with memory that stays flat: bodies are streamed with
 * backpressure, never aggregated, never copied to the heap. Two measures: the buffer allocator's
 * peak (what backpressure bounds) and the heap the proxy's event-loop threads allocated in all
 * (what a {@code byte[]} copy would blow up). The test JVM has a 512 MiB heap besides.
 */
class StreamingTest {

    private static final long GIB = 1L << 30;
    /** Heap the proxy's event loops may allocate while moving 2 GiB: a copy of the bodies would be 2 GiB. */
    private static final long MAX_WORKER_HEAP_ALLOCATION = 64L << 20;

    /** What {@link #workerHeapAllocated} said at the end of the last transfer, before its proxy stopped. */
    private static long lastWorkerHeap;

    /** Bytes of heap allocated by the event-loop threads of the running proxy (each test starts its own). */
    private static long workerHeapAllocated() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("outrigger-worker")) {
                total += Math.max(0, threads.getThreadAllocatedBytes(t.getId()));
            }
        }
        return total;
    }

    /** Buffer memory of the default allocator (proxy and test upstream together) may not exceed this at any moment. */
    private static final long MAX_POOLED_BYTES = 4L << 20;

    @Test
    void eventLoopsAllocateNoHeapInProportionToTheBody() throws Exception {
        // Paranoid leak detection records a stack trace per buffer access, which would swamp
        // the measurement; the other tests here move the same bytes with it on.
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            oneGibibyteUploadStreamsWithBoundedMemory();
            long heap = lastWorkerHeap;
            oneGibibyteDownloadStreamsWithBoundedMemory();
            heap += lastWorkerHeap;
            assertTrue(heap < MAX_WORKER_HEAP_ALLOCATION, "event loops allocated " + heap + " heap bytes for 2 GiB");
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    @Test
    void oneGibibyteUploadStreamsWithBoundedMemory() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.ok("received " + r.bodyBytes()));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                BufferMemorySampler memory = new BufferMemorySampler();
                Socket s = new Socket("127.0.0.1", proxy.port("outbound"))) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: " + GIB + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] block = new byte[256 * 1024];
            for (long sent = 0; sent < GIB; sent += block.length) {
                out.write(block);
            }
            out.flush();
            try (RawHttpClient reader = RawHttpClient.over(s)) {
                Response r = reader.read();
                assertEquals(200, r.status());
                assertEquals("received " + GIB, r.text());
            }
            assertEquals(GIB, a.lastRequest().bodyBytes());
            assertTrue(memory.peak() < MAX_POOLED_BYTES, "peak pooled memory " + memory.peak());
            lastWorkerHeap = workerHeapAllocated();
        }
    }

    @Test
    void oneGibibyteDownloadStreamsWithBoundedMemory() throws Exception {
        try (TestUpstream a = TestUpstream.start("a", r -> Reply.stream(GIB));
                ProxyFixture proxy = ProxyFixture.start(bootstrap(catchAll("a"), cluster("a", a)));
                BufferMemorySampler memory = new BufferMemorySampler();
                Socket s = new Socket("127.0.0.1", proxy.port("outbound"))) {
            s.getOutputStream().write("GET /download HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("content-length: " + GIB), head);
            byte[] buf = new byte[256 * 1024];
            long got = 0;
            while (got < GIB) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, GIB - got));
                if (n < 0) {
                    break;
                }
                got += n;
            }
            assertEquals(GIB, got);
            assertTrue(memory.peak() < MAX_POOLED_BYTES, "peak pooled memory " + memory.peak());
            lastWorkerHeap = workerHeapAllocated();
        }
    }

    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }
}
