package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.outlier.OutlierDetector;
import dev.outrigger.sidecar.upstream.UpstreamCluster;
import dev.outrigger.sidecar.upstream.UpstreamConnection;
import dev.outrigger.sidecar.upstream.UpstreamExchange;
import dev.outrigger.sidecar.upstream.UpstreamFailure;
import dev.outrigger.sidecar.upstream.UpstreamPool;
import dev.outrigger.sidecar.upstream.UpstreamStream;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The upstream half of an exchange: it gets a pooled connection to the chosen endpoint, sends
 * the request and its body, and relays the response to the client as it arrives, reading from
 * the upstream only while the client can take more. Its {@link HttpExchange} decides everything
 * else (headers, keep-alive, errors).
 */
final class UpstreamCall implements UpstreamExchange {

    private final HttpExchange exchange;
    private final ChannelHandlerContext downstream;
    private final HttpRequest request;
    private final UpstreamCluster cluster;
    private final EndpointState endpoint;
    private final UpstreamPool pool;
    private final PendingBody pendingBody = new PendingBody();
    private UpstreamStream connection;
    private long startNanos;
    /** The status outlier detection counts: the HTTP status, or a gRPC call's {@code grpc-status} mapped as Envoy maps it. */
    private int outlierStatus;
    private int status;
    private boolean waiting;
    private boolean done;
    private boolean readPaused;
    private boolean skippingInformational;
    private boolean upstreamKeepAlive;
    private boolean requestSent;

    UpstreamCall(HttpExchange exchange, ChannelHandlerContext downstream, HttpRequest request,
            UpstreamCluster cluster, EndpointState endpoint, UpstreamPool pool) {
        this.exchange = exchange;
        this.downstream = downstream;
        this.request = request;
        this.cluster = cluster;
        this.endpoint = endpoint;
        this.pool = pool;
    }

    /** Whether the request head went upstream (and with it the ownership of its buffers). */
    boolean requestSent() {
        return requestSent;
    }

    /** Asks the pool for a connection; the request goes out when one is ready. */
    void start() {
        waiting = true;
        pool.acquire(this);
    }

    /** Sends a piece of request body now, or holds it until the connection is ready. */
    void sendBody(HttpContent content) {
        if (connection != null) {
            connection.write(content);
        } else {
            pendingBody.add(content);
        }
    }

    /** Flushes body written since the last flush. */
    void flush() {
        if (connection != null) {
            connection.flush();
        }
    }

    /** Whether more request body can go out without piling up in memory. */
    boolean canTakeBody() {
        return connection != null && connection.isWritable();
    }

    /** The client's socket drained: resume reading the response if that was paused. */
    void onDownstreamWritable() {
        if (readPaused && connection != null) {
            readPaused = false;
            connection.read();
        }
    }

    /** Ends the call without (the rest of) a response: the client left or the route timed out. */
    void cancel(boolean timeout) {
        if (done) {
            return;
        }
        done = true;
        pendingBody.release();
        if (timeout) {
            cluster.stats().timeout();
        }
        if (waiting) {
            waiting = false;
            pool.cancel(this);
        } else {
            // Not the endpoint's fault: a timeout is counted as such, a client leaving not at all.
            if (timeout && connection != null) {
                outlier(OutlierDetector.TIMEOUT);
            }
            abandonConnection(false, timeout);
        }
    }

    @Override
    public void onUpstreamReady(UpstreamStream c) {
        waiting = false;
        if (done) {
            c.release(true);
            return;
        }
        connection = c;
        startNanos = System.nanoTime();
        cluster.stats().requestStarted();
        endpoint.requestStarted();
        outlier(OutlierDetector.CONNECTED);
        c.write(request);
        requestSent = true;
        pendingBody.writeTo(c);
        c.flush();
        c.read();
        exchange.onUpstreamConnected();
    }

    @Override
    public void onUpstreamFailure(UpstreamFailure failure) {
        waiting = false;
        if (done) {
            return;
        }
        done = true;
        pendingBody.release();
        if (failure != UpstreamFailure.OVERFLOW) {
            outlier(OutlierDetector.CONNECT_FAILED);
        }
        exchange.onUpstreamFailed(switch (failure) {
            case CONNECT_FAILURE -> ProxyError.UPSTREAM_CONNECT_FAILURE;
            case CONNECT_TIMEOUT -> ProxyError.UPSTREAM_CONNECT_TIMEOUT;
            case OVERFLOW -> ProxyError.UPSTREAM_OVERFLOW;
        });
    }

    @Override
    public void onResponse(HttpObject msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                fail(ProxyError.BAD_UPSTREAM_RESPONSE);
                return;
            }
            if (response.status().code() == 101 && exchange.isUpgrading() && !connection.isHttp2()) {
                switchProtocols(response);
                return;
            }
            if (response.status().code() < 200) {
                // 1xx: we never ask for 100-continue upstream; 101 arrives with WebSocket support.
                skippingInformational = !(msg instanceof LastHttpContent);
                ReferenceCountUtil.release(msg);
                return;
            }
            status = response.status().code();
            outlierStatus = status;
            if (cluster.outlierDetector() != null) {
                outlierStatus = Grpc.outlierStatus(response.headers().get(Grpc.GRPC_STATUS), status);
            }
            upstreamKeepAlive = HttpUtil.isKeepAlive(response);
            if (connection.isHttp2()) {
                ProxyHeaders.removeHttp2Extensions(response.headers());
            }
            exchange.onResponseHead(response);
        } else if (skippingInformational) {
            skippingInformational = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            return;
        } else if (msg.decoderResult().isFailure()) {
            // A broken body (a bad chunk size): cut the response off, never end it as if complete.
            ReferenceCountUtil.release(msg);
            fail(ProxyError.BAD_UPSTREAM_RESPONSE);
            return;
        }
        if (msg instanceof HttpContent body) {
            exchange.record().responseBody(body.content().readableBytes());
        }
        if (msg instanceof LastHttpContent last) {
            if (cluster.outlierDetector() != null) {
                // A gRPC call's status comes in the trailers: outlier detection counts it as Envoy does.
                outlierStatus = Grpc.outlierStatus(last.trailingHeaders().get(Grpc.GRPC_STATUS), outlierStatus);
            }
            ChannelFuture lastWrite = downstream.writeAndFlush(msg);
            finish();
            exchange.onResponseComplete(lastWrite);
        } else {
            downstream.write(msg, downstream.voidPromise());
        }
    }

    /** The upstream accepted the upgrade: its connection leaves the pool and becomes half of a tunnel. */
    private void switchProtocols(HttpResponse response) {
        done = true;
        status = 101;
        cluster.stats().requestFinished(status, startNanos);
        long now = System.nanoTime();
        endpoint.requestFinished(false, false, now - startNanos, now);
        outlier(status);
        UpstreamConnection c = (UpstreamConnection) connection;
        connection = null;
        exchange.onUpgraded(response, c);
    }

    private void finish() {
        done = true;
        cluster.stats().requestFinished(status, startNanos);
        long now = System.nanoTime();
        endpoint.requestFinished(status >= 500, false, now - startNanos, now);
        outlier(outlierStatus);
        UpstreamStream c = connection;
        connection = null;
        // Reusable only if both messages ended cleanly: else the next request could read leftovers.
        c.release(upstreamKeepAlive && exchange.isRequestComplete());
    }

    @Override
    public void onUpstreamReadComplete() {
        downstream.flush();
        if (connection != null) {
            if (downstream.channel().isWritable()) {
                connection.read();
            } else {
                readPaused = true;
            }
        }
    }

    @Override
    public void onUpstreamWritabilityChanged() {
        if (connection != null && connection.isWritable()) {
            exchange.onUpstreamWritable();
        }
    }

    @Override
    public void onUpstreamClosed() {
        connection = null;
        if (!done) {
            done = true;
            cluster.stats().requestAbandoned();
            endpoint.requestFinished(true, false);
            outlier(OutlierDetector.RESET);
            exchange.onUpstreamFailed(ProxyError.UPSTREAM_RESET);
        }
    }

    private void fail(ProxyError error) {
        done = true;
        outlier(OutlierDetector.RESET);
        abandonConnection(true, false);
        exchange.onUpstreamFailed(error);
    }

    private void abandonConnection(boolean endpointError, boolean timeout) {
        UpstreamStream c = connection;
        if (c != null) {
            connection = null;
            cluster.stats().requestAbandoned();
            if (timeout) {
                // The time waited is a lower bound of the round trip: enough to raise the latency estimate.
                long now = System.nanoTime();
                endpoint.requestFinished(endpointError, true, now - startNanos, now);
            } else {
                // A reset or a malformed response may come fast: timing it would make a broken endpoint look fast.
                endpoint.requestFinished(endpointError, false);
            }
            c.abort();
        }
    }

    /** Reports an outcome to the cluster's outlier detection, if it has any (no allocation). */
    private void outlier(int outcome) {
        OutlierDetector detector = cluster.outlierDetector();
        if (detector != null) {
            detector.record(endpoint, outcome);
        }
    }
}
