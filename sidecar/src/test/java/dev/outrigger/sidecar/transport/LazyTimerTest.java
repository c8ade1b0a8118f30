package dev.outrigger.sidecar.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LazyTimerTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final EventLoop loop = new DefaultEventLoop();
    private final AtomicInteger fired = new AtomicInteger();
    private final AtomicLong firedAt = new AtomicLong();
    private final LazyTimer timer = new LazyTimer(loop, () -> {
        firedAt.set(System.nanoTime());
        fired.incrementAndGet();
    });

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Runs {@code action} on the loop and waits for it. */
    private void onLoop(Runnable action) throws Exception {
        loop.submit(action).get(5, TimeUnit.SECONDS);
    }

    /** Waits until a marker task scheduled {@code delayMs} from now has run on the loop. */
    private void waitPast(long delayMs) throws Exception {
        CompletableFuture<Void> marker = new CompletableFuture<>();
        loop.schedule(() -> marker.complete(null), delayMs, TimeUnit.MILLISECONDS);
        marker.get(5, TimeUnit.SECONDS);
    }

    @Test
    void firesOnceAfterTheDeadline() throws Exception {
        long[] deadline = new long[1];
        onLoop(() -> {
            deadline[0] = System.nanoTime() + 20 * MS;
            timer.arm(deadline[0]);
        });
        waitPast(60);
        onLoop(() -> { });
        assertEquals(1, fired.get());
        assertTrue(firedAt.get() - deadline[0] >= 0, "fired before its deadline");
    }

    @Test
    void disarmedTimerDoesNotFire() throws Exception {
        onLoop(() -> {
            timer.armIn(10 * MS);
            timer.disarm();
        });
        waitPast(50);
        assertEquals(0, fired.get());
    }

    @Test
    void reArmingLaterPostponesExpiryWithoutANewTask() throws Exception {
        long[] later = new long[1];
        onLoop(() -> {
            timer.armIn(10 * MS);
            later[0] = System.nanoTime() + 60 * MS;
            timer.arm(later[0]);
        });
        waitPast(30);
        assertEquals(0, fired.get(), "the early task must reschedule, not fire");
        waitPast(80);
        assertEquals(1, fired.get());
        assertTrue(firedAt.get() - later[0] >= 0, "fired before the postponed deadline");
    }

    @Test
    void reArmingEarlierBringsExpiryForward() throws Exception {
        onLoop(() -> {
            timer.armIn(TimeUnit.SECONDS.toNanos(30));
            timer.armIn(10 * MS);
        });
        waitPast(60);
        assertEquals(1, fired.get());
    }

    @Test
    void stopCancelsThePendingTask() throws Exception {
        onLoop(() -> {
            timer.armIn(10 * MS);
            timer.stop();
        });
        waitPast(50);
        assertEquals(0, fired.get());
    }

    @Test
    void canBeArmedAgainAfterFiring() throws Exception {
        onLoop(() -> timer.armIn(5 * MS));
        waitPast(30);
        onLoop(() -> timer.armIn(5 * MS));
        waitPast(30);
        assertEquals(2, fired.get());
    }
}
