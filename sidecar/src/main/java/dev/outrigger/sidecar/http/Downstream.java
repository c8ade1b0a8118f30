package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import io.netty.channel.ChannelHandlerContext;

/**
 * The client side of an exchange: an HTTP/1.1 connection, or one stream of an HTTP/2
 * connection. The exchange writes its response to {@link #ctx()} and reports back here.
 */
interface Downstream {

    /** Where the response is written, and whose event loop runs the exchange. */
    ChannelHandlerContext ctx();

    /** The listener. */
    ListenerContext listener();

    /** The HTTP connection manager of the filter chain. */
    HttpConnectionManagerConfig hcm();

    /** True for a stream of an HTTP/2 connection. */
    boolean isHttp2();

    /** Whether the connection is draining: the current exchange is its last. */
    boolean isDraining();

    /** The client's IP address. */
    String remoteIp();

    /** The client's {@code ip:port}. */
    String remoteAddress();

    /** This side's {@code ip:port}. */
    String localAddress();

    /**
     * The timer for the current exchange's deadlines; when it expires the connection calls
     * {@link HttpExchange#onTimerFired()} on its current exchange.
     */
    dev.outrigger.sidecar.transport.LazyTimer deadlineTimer();

    /** Reads more request body if the exchange wants it. */
    void maybeRead();

    /**
     * The exchange has written its last response byte. {@code keepAlive} says whether an
     * HTTP/1.1 connection may serve another request; an HTTP/2 stream ends either way.
     */
    void exchangeFinished(HttpExchange exchange, boolean keepAlive);

    /**
     * The response is complete but the request is not: the client must stop sending. HTTP/1.1
     * closes the connection (the exchange arranges that); an HTTP/2 stream is reset with
     * NO_ERROR after the response (RFC 9113 8.1), which leaves the connection alone.
     */
    void endUnfinishedRequest();
}
