package dev.outrigger.sidecar.ratelimit.global;

import static dev.outrigger.sidecar.ratelimit.global.RedisAlgorithm.FIXED_WINDOW;
import static dev.outrigger.sidecar.ratelimit.global.RedisAlgorithm.SLIDING_WINDOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateWindowTest {

    private static final long MINUTE = 60_000;
    private static final long T0 = 1_800_000_000_000L; // a whole minute since the epoch

    @Test
    void windowsAreAlignedToTheEpoch() {
        RateWindow w = RateWindow.at(T0 + 12_345, MINUTE);
        assertEquals(T0, w.startMillis());
        assertEquals(12_345, w.elapsedMillis());
        assertEquals(MINUTE - 12_345, w.millisToEnd());
        assertEquals(1_800_000_000L, w.startSeconds());
        assertEquals(1_800_000_000L - 60, w.previousStartSeconds());
        assertEquals(T0 + MINUTE, RateWindow.at(T0 + MINUTE, MINUTE).startMillis(), "a window's end starts the next");
        assertEquals(MINUTE, RateWindow.at(T0, MINUTE).millisToEnd());
        assertThrows(IllegalArgumentException.class, () -> new RateWindow(T0, MINUTE, T0 + MINUTE));
    }

    @Test
    void fixedWindowCountsOnlyTheCurrentWindow() {
        RateWindow w = RateWindow.at(T0 + 1_000, MINUTE);
        assertEquals(0, w.previousWeightMillis(FIXED_WINDOW));
        assertFalse(w.isOver(5, 4, 1_000, 1, FIXED_WINDOW), "the previous window does not count");
        assertTrue(w.isOver(5, 5, 0, 1, FIXED_WINDOW));
        assertTrue(w.isOver(5, 3, 0, 3, FIXED_WINDOW), "a request of three hits does not fit in two");
        assertEquals(1, w.remaining(5, 4, 1_000, FIXED_WINDOW));
        assertEquals(0, w.remaining(5, 7, 0, FIXED_WINDOW));
    }

    @Test
    void fixedWindowRefusesUntilTheWindowEnds() {
        RateWindow w = RateWindow.at(T0 + 20_000, MINUTE);
        assertEquals(0, w.millisUntilAllowed(5, 4, 0, FIXED_WINDOW));
        assertEquals(40_000, w.millisUntilAllowed(5, 5, 0, FIXED_WINDOW));
        assertEquals(40_000, w.millisUntilAllowed(0, 0, 0, FIXED_WINDOW), "a limit of 0 refuses the whole window");
    }

    @Test
    void slidingWindowWeighsThePreviousWindowByWhatItStillCovers() {
        RateWindow quarter = RateWindow.at(T0 + 15_000, MINUTE);
        assertEquals(45_000, quarter.previousWeightMillis(SLIDING_WINDOW));
        // estimate = 8 × 3/4 + 3 = 9
        assertEquals(1, quarter.remaining(10, 3, 8, SLIDING_WINDOW));
        assertFalse(quarter.isOver(10, 3, 8, 1, SLIDING_WINDOW));
        assertTrue(quarter.isOver(10, 3, 8, 2, SLIDING_WINDOW));
        assertEquals(0, RateWindow.at(T0, MINUTE).remaining(10, 0, 10, SLIDING_WINDOW),
                "at a window's start the previous one counts whole");
    }

    @Test
    void slidingWindowWaitsForThePreviousWindowToWeighLess() {
        // limit 10, current 5, previous 10: one more fits once 10 × w ≤ 4 × 60s, i.e. w ≤ 24s: 36s in.
        RateWindow w = RateWindow.at(T0 + 30_000, MINUTE);
        assertEquals(6_000, w.millisUntilAllowed(10, 5, 10, SLIDING_WINDOW));
        RateWindow then = RateWindow.at(T0 + 36_000, MINUTE);
        assertFalse(then.isOver(10, 5, 10, 1, SLIDING_WINDOW));
        assertTrue(RateWindow.at(T0 + 35_999, MINUTE).isOver(10, 5, 10, 1, SLIDING_WINDOW));
    }

    @Test
    void aFullSlidingWindowRefusesIntoTheNextOne() {
        // current 10 of 10: the rest of this window, then until 10 × w ≤ 9 × 60s in the next: 6s in.
        RateWindow w = RateWindow.at(T0 + 50_000, MINUTE);
        assertEquals(10_000 + 6_000, w.millisUntilAllowed(10, 10, 0, SLIDING_WINDOW));
        RateWindow next = RateWindow.at(T0 + MINUTE + 6_000, MINUTE);
        assertFalse(next.isOver(10, 0, 10, 1, SLIDING_WINDOW));
        assertTrue(RateWindow.at(T0 + MINUTE + 5_999, MINUTE).isOver(10, 0, 10, 1, SLIDING_WINDOW));
    }

    @Test
    void slidingWindowNeverAdmitsMoreThanTheLimitInOneAlignedWindow() {
        for (long elapsed = 0; elapsed < MINUTE; elapsed += 7_000) {
            RateWindow w = RateWindow.at(T0 + elapsed, MINUTE);
            assertTrue(w.isOver(10, 10, 0, 1, SLIDING_WINDOW), "at " + elapsed);
        }
    }
}
