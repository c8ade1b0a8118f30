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

    @Test
    void aBufferThatIsNeverReleasedIsReported() {
        leakOne();
        List<String> leaks = LeakDetectionExtension.collectLeaks();
        // collectLeaks() drained the report, so this class itself still passes its own check.
        assertTrue(leaks.stream().anyMatch(l -> l.contains("LEAK") && l.contains("leakOne")), String.valueOf(leaks));
    }

    @Test
    void aReportedLeakFailsTheCheckEveryTestClassRuns() {
        leakOne();
        AssertionError e = assertThrows(AssertionError.class, () -> LeakDetectionExtension.assertNoLeaks("this test"));
        assertTrue(e.getMessage().contains("Netty buffer leak(s) reported during this test"), e.getMessage());
    }

    @Test
    void releasedBuffersAreNotReported() {
        for (int i = 0; i < 100; i++) {
            ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(64);
            b.writeLong(i);
            b.release();
        }
        assertEquals(List.of(), LeakDetectionExtension.collectLeaks());
    }

    private static void leakOne() {
        ByteBuf leaked = ByteBufAllocator.DEFAULT.directBuffer(128);
        leaked.writeInt(42);
        // dropped without release(): unreachable after this method returns
    }
}
