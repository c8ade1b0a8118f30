package dev.outrigger.sidecar.upstream;

import io.netty.channel.EventLoop;

/**
 * What a cluster needs of each per-loop pool to share its connection limits fairly across event
 * loops. The flags are read from other loops; the actions run on the pool's own loop.
 */
interface LoopPool {

    /** The loop that owns the pool. */
    EventLoop loop();

    /** Whether requests wait here for a connection slot (read from any thread). */
    boolean hasWaiters();

    /** Whether a connection here carries nothing and could be closed (read from any thread). */
    boolean hasIdle();

    /** Connect for waiting requests while the limits allow. */
    void serveWaiters();

    /** Close one idle connection, freeing a slot for another loop. */
    void closeOneIdle();

    /** Close every idle connection (the process is stopping). */
    void closeAllIdle();

    /**
     * The endpoint left its cluster (or the cluster was removed): close idle connections now and
     * each busy one as soon as it carries nothing. Requests already waiting are still served.
     */
    void retire();
}
