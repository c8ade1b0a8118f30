package dev.outrigger.sidecar.downstream;

/** A downstream connection as draining sees it; both methods may be called from any thread. */
public interface Drainable {

    /** Finish what is in flight, accept nothing new, then close. */
    void drain();

    /** Close now. */
    void forceClose();
}
