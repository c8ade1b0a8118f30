package dev.outrigger.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check that every test class runs under really sees a leaked buffer. */
class LeakDetectionExtensionTest {

    @Test
    void detectorRunsAtParanoidLevel() {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
    }

    /** Collects until a leak from {@code method} is reported (the collector decides when); returns all reports. */
    private static List<String> leaksUntilOneFrom(String method) throws Exception {
        List<String> all = new java.util.ArrayList<>();
        Await.until("a leak from " + method + " is reported", java.time.Duration.ofSeconds(10), () -> {
            all.addAll(LeakDetectionExtension.collectLeaks());
            return all.stream().anyMatch(l -> l.contains(method));
        });
        return all;
    }

    @Test
    void aBufferThatIsNeverReleasedIsReported() throws Exception {
        leakOne("reported");
        List<String> leaks = leaksUntilOneFrom("aBufferThatIsNeverReleasedIsReported");
        // collectLeaks() drained the reports, so this class itself still passes its own check.
        assertTrue(leaks.stream().anyMatch(l -> l.contains("LEAK") && l.contains("leakOne")), String.valueOf(leaks));
    }

    @Test
    void aReportedLeakFailsTheCheckEveryTestClassRuns() throws Exception {
        leakOne("fails");
        List<String> leaks = leaksUntilOneFrom("aReportedLeakFailsTheCheckEveryTestClassRuns");
        AssertionError e = assertThrows(AssertionError.class,
                () -> LeakDetectionExtension.failIfAny(leaks, "this test"));
        assertTrue(e.getMessage().contains("Netty buffer leak(s) reported during this test"), e.getMessage());
    }

    @Test
    void releasedBuffersAreNotReported() {
        for (int i = 0; i < 100; i++) {
            ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(64);
            b.writeLong(i);
            b.release();
        }
        // Other tests here leak on purpose and may be reported late: only this test's buffers count.
        List<String> leaks = LeakDetectionExtension.collectLeaks();
        assertTrue(leaks.stream().noneMatch(l -> l.contains("releasedBuffersAreNotReported")), String.valueOf(leaks));
    }

    private static void leakOne(String why) {
        ByteBuf leaked = ByteBufAllocator.DEFAULT.directBuffer(128);
        leaked.writeInt(why.length());
        // dropped without release(): unreachable after this method returns
    }
}
