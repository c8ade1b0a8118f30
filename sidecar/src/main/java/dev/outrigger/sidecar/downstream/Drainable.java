package dev.outrigger.sidecar.downstream;


import io.netty.channel.Channel;

/**
 * A downstream connection as draining sees it: whoever handles the connection now (a protocol
 * sniffer, then the HTTP or TCP handler). Both actions may be called from any thread.
 */
public interface Drainable {

    /** The connection. */
    Channel channel();

    /** Finish what is in flight, accept nothing new, then close. */
    void drain();

    /** Close now. */
    void forceClose();
}
