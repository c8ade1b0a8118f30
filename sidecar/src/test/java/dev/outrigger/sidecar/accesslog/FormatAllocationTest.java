package dev.outrigger.sidecar.accesslog;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Formatting runs on the event loop for every request: compiled formats append straight into
 * a reused builder, so formatting itself allocates nothing (the line's String is the one
 * allocation, made by {@link AccessLogs}).
 */
class FormatAllocationTest {

    private static final int ROUNDS = 20_000;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static long bytesPerLine(LogFormat format, AccessLogEntry entry) {
        StringBuilder out = new StringBuilder(4096);
        for (int i = 0; i < ROUNDS; i++) {
            out.setLength(0);
            format.format(entry, out);
        }
        long before = allocatedBytes();
        for (int i = 0; i < ROUNDS; i++) {
            out.setLength(0);
            format.format(entry, out);
        }
        return (allocatedBytes() - before) / ROUNDS;
    }

    @Test
    void textAndJsonFormattingAllocateNothingPerLine() throws Exception {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean tmx
                && tmx.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes");
        Map<String, Object> json = new LinkedHashMap<>();
        for (String op : new String[] {"START_TIME", "DURATION", "RESPONSE_CODE", "RESPONSE_FLAGS", "UPSTREAM_HOST",
            "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT", "DOWNSTREAM_PEER_URI_SAN", "BYTES_SENT"}) {
            json.put(op, Template.parse("%" + op + "%"));
        }
        json.put("request", Template.parse("%REQ(:METHOD)% %REQ(:PATH)% %PROTOCOL%"));
        json.put("policy", Template.parse("%DYNAMIC_METADATA(envoy.filters.http.rbac:enforced_effective_policy_id)%"));

        long text = bytesPerLine(TextFormat.ENVOY_DEFAULT, Entries.full());
        long structured = bytesPerLine(JsonFormat.of(json, false), Entries.full());
        // a few bytes of slack for the counter's own bookkeeping, far below one object per line
        assertTrue(text < 8, "text format allocated " + text + " bytes per line");
        assertTrue(structured < 8, "JSON format allocated " + structured + " bytes per line");
    }
}
