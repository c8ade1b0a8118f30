package dev.outrigger.sidecar.upstream;

import io.netty.handler.codec.http.HttpObject;

/**
 * The request side of one proxied exchange, as the upstream connection sees it. All calls
 * happen on the event loop that owns both the downstream and the upstream connection.
 */
public interface UpstreamExchange {

    /** The pool has a stream for this exchange; the exchange now owns it until it releases it. */
    void onUpstreamReady(UpstreamStream stream);

    /** The pool could not provide a connection. */
    void onUpstreamFailure(UpstreamFailure failure);

    /** A response object (head, content, or both) arrived; the exchange owns its reference. */
    void onResponse(HttpObject message);

    /** The upstream read burst ended: a good time to flush downstream. */
    void onUpstreamReadComplete();

    /** The upstream connection's writability changed. */
    void onUpstreamWritabilityChanged();

    /** The upstream connection or stream closed while bound to this exchange. */
    void onUpstreamClosed();
}
