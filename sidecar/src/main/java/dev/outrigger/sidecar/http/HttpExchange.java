package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.route.DirectResponseAction;
import dev.outrigger.sidecar.route.ForwardAction;
import dev.outrigger.sidecar.route.HeaderContext;
import dev.outrigger.sidecar.route.RedirectAction;
import dev.outrigger.sidecar.route.RouteAction;
import dev.outrigger.sidecar.route.RouteSelection;
import dev.outrigger.sidecar.upstream.Http1ConnectionPool;
import dev.outrigger.sidecar.upstream.UpstreamCluster;
import dev.outrigger.sidecar.upstream.UpstreamConnection;
import dev.outrigger.sidecar.upstream.UpstreamExchange;
import dev.outrigger.sidecar.upstream.UpstreamFailure;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One request and its response on a downstream HTTP/1.1 connection: route it, answer it locally
 * or stream it to an upstream endpoint and stream the response back.
 *
 * <p>Bodies are passed through as the codec's reference-counted buffers, never copied. The
 * exchange owns every message handed to it and releases what it does not forward. It lives on
 * the downstream connection's event loop, as does its upstream connection, so its fields need
 * no synchronisation.
 */
final class HttpExchange implements UpstreamExchange {

    /** Largest unread request body that is read and discarded after a local reply to keep the connection. */
    private static final long MAX_DISCARDED_BODY = 64 * 1024;

    private final Http1ServerHandler conn;
    private final ChannelHandlerContext ctx;
    private final ListenerContext listener;
    private final HttpRequest request;
    private final long startNanos = System.nanoTime();
    private final boolean clientKeepAlive;
    private final boolean http10;

    private RouteSelection selection;
    private ForwardAction action;
    private UpstreamCluster cluster;
    private EndpointState endpoint;
    private Http1ConnectionPool pool;
    private UpstreamConnection upstream;
    private ArrayDeque<HttpContent> pendingBody;
    private ScheduledFuture<?> timer;
    private long upstreamStartNanos;
    private int status;
    private boolean requestComplete;
    private boolean waitingForPool;
    private boolean responseStarted;
    private boolean skippingInformational;
    private boolean upstreamKeepAlive;
    private boolean keepAlive;
    private boolean upstreamReadPaused;
    private boolean finished;
    private boolean discardingBody;
    private boolean malformed;

    HttpExchange(Http1ServerHandler conn, HttpRequest request) {
        this.conn = conn;
        this.ctx = conn.ctx();
        this.listener = conn.listener();
        this.request = request;
        this.http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.requestComplete = request instanceof LastHttpContent;
    }

    boolean isRequestComplete() {
        return requestComplete;
    }

    /** Whether the connection should read more request body now. */
    boolean wantsRequestBody() {
        return !requestComplete && (discardingBody || (!finished && upstream != null && upstream.isWritable()));
    }

    void start() {
        listener.stats().requestStarted();
        if (request.decoderResult().isFailure()) {
            rejectMalformed(request.decoderResult().cause());
            return;
        }
        if (!http10 && !request.headers().contains(HttpHeaderNames.HOST)) {
            localReply(ProxyError.BAD_REQUEST, 400);
            return;
        }
        NettyRequestView view = new NettyRequestView(request);
        selection = listener.http().routeTable().select(view);
        if (selection == null) {
            localReply(ProxyError.NO_ROUTE, ProxyError.NO_ROUTE.status());
            return;
        }
        RouteAction action = selection.route().action();
        if (action instanceof ForwardAction f) {
            forward(f);
        } else if (action instanceof RedirectAction r) {
            routeReply(r.status(), null, r.location(view, listener.scheme()));
        } else {
            DirectResponseAction d = (DirectResponseAction) action;
            routeReply(d.status(), d.body(), null);
        }
    }

    private void forward(ForwardAction f) {
        action = f;
        String clusterName = f.pickCluster(ThreadLocalRandom.current());
        cluster = listener.clusters().get(clusterName);
        if (cluster == null) {
            localReply(ProxyError.CLUSTER_NOT_FOUND, f.clusterNotFoundStatus());
            return;
        }
        endpoint = cluster.loadBalancer().choose();
        if (endpoint == null) {
            localReply(ProxyError.NO_HEALTHY_UPSTREAM, ProxyError.NO_HEALTHY_UPSTREAM.status());
            return;
        }
        prepareUpstreamRequest(f);
        if (HttpUtil.is100ContinueExpected(request)) {
            // Like Envoy, answer 100-continue here; the upstream never sees the expectation.
            request.headers().remove(HttpHeaderNames.EXPECT);
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        if (requestComplete) {
            armTimer();
        }
        pool = cluster.pool(ctx.channel().eventLoop(), endpoint);
        waitingForPool = true;
        pool.acquire(this);
    }

    private void prepareUpstreamRequest(ForwardAction f) {
        var headers = request.headers();
        ProxyHeaders.removeHopByHop(headers);
        ProxyHeaders.addForwarded(headers, listener.http(), conn.remoteIp(), listener.scheme());
        String target = new NettyRequestView(request).pathAndQuery();
        if (!headers.contains(HttpHeaderNames.HOST)) {
            headers.set(HttpHeaderNames.HOST, endpoint.config().hostPort());
        }
        request.setUri(f.rewritePath(target));
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (f.hostRewrite() != null) {
            headers.set(HttpHeaderNames.HOST, f.hostRewrite());
        }
        selection.applyRequestHeaders(new NettyHeaders(headers), headerContext());
    }

    // ---- request body from the downstream connection

    void onRequestContent(HttpContent content) {
        if (finished) {
            content.release();
            if (discardingBody && content instanceof LastHttpContent) {
                // The rest of a request we already answered: now the connection can serve the next one.
                discardingBody = false;
                requestComplete = true;
                conn.exchangeFinished(this, true);
            }
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (upstream != null) {
            upstream.write(content);
        } else {
            if (pendingBody == null) {
                pendingBody = new ArrayDeque<>(4);
            }
            pendingBody.add(content);
        }
        if (last) {
            requestComplete = true;
            armTimer();
        }
    }

    void onDownstreamReadComplete() {
        if (upstream != null) {
            upstream.flush();
        }
    }

    void onDownstreamWritabilityChanged() {
        if (upstreamReadPaused && upstream != null && ctx.channel().isWritable()) {
            upstreamReadPaused = false;
            upstream.read();
        }
    }

    void onDownstreamClosed() {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimer();
        releasePendingBody();
        if (waitingForPool) {
            waitingForPool = false;
            pool.cancel(this);
        }
        abandonUpstream(false);
        listener.stats().requestFinished(0, startNanos);
    }

    // ---- the upstream side

    @Override
    public void onUpstreamReady(UpstreamConnection connection) {
        waitingForPool = false;
        if (finished) {
            connection.release(true);
            return;
        }
        upstream = connection;
        upstreamStartNanos = System.nanoTime();
        cluster.stats().requestStarted();
        endpoint.requestStarted();
        connection.write(request);
        if (pendingBody != null) {
            for (HttpContent c; (c = pendingBody.poll()) != null; ) {
                connection.write(c);
            }
            pendingBody = null;
        }
        connection.flush();
        connection.read();
        conn.maybeRead();
    }

    @Override
    public void onUpstreamFailure(UpstreamFailure failure) {
        waitingForPool = false;
        if (finished) {
            return;
        }
        ProxyError error = switch (failure) {
            case CONNECT_FAILURE -> ProxyError.UPSTREAM_CONNECT_FAILURE;
            case CONNECT_TIMEOUT -> ProxyError.UPSTREAM_CONNECT_TIMEOUT;
            case OVERFLOW -> ProxyError.UPSTREAM_OVERFLOW;
        };
        localReply(error, error.status());
    }

    @Override
    public void onResponse(HttpObject msg) {
        if (finished) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                failUpstream(ProxyError.BAD_UPSTREAM_RESPONSE, false);
                return;
            }
            int code = response.status().code();
            if (code < 200) {
                // 1xx (we never ask for 100-continue upstream; 101 arrives with WebSocket support).
                skippingInformational = !(msg instanceof LastHttpContent);
                ReferenceCountUtil.release(msg);
                return;
            }
            startResponse(response);
        } else if (skippingInformational) {
            skippingInformational = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof LastHttpContent) {
            finishResponse(ctx.writeAndFlush(msg));
        } else {
            ctx.write(msg, ctx.voidPromise());
        }
    }

    private void startResponse(HttpResponse response) {
        status = response.status().code();
        responseStarted = true;
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        var headers = response.headers();
        ProxyHeaders.removeHopByHop(headers);
        keepAlive = clientKeepAlive && requestComplete && !conn.isDraining();
        boolean framed = HttpUtil.isContentLengthSet(response) || HttpUtil.isTransferEncodingChunked(response);
        if (!framed && mayHaveBody()) {
            // The upstream delimits the body by closing; re-frame it so our connection can live on.
            if (http10) {
                keepAlive = false;
            } else {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        selection.applyResponseHeaders(new NettyHeaders(headers), headerContext());
        setConnectionHeader(headers);
    }

    private boolean mayHaveBody() {
        return status != 204 && status != 304 && !"HEAD".equals(request.method().name());
    }

    private void finishResponse(ChannelFuture lastWrite) {
        finished = true;
        cancelTimer();
        cluster.stats().requestFinished(status, upstreamStartNanos);
        endpoint.requestFinished(status >= 500, false);
        UpstreamConnection c = upstream;
        upstream = null;
        c.release(upstreamKeepAlive && requestComplete);
        complete(lastWrite);
    }

    @Override
    public void onUpstreamReadComplete() {
        ctx.flush();
        if (upstream != null) {
            if (ctx.channel().isWritable()) {
                upstream.read();
            } else {
                upstreamReadPaused = true;
            }
        }
    }

    @Override
    public void onUpstreamWritabilityChanged() {
        if (upstream != null && upstream.isWritable()) {
            conn.maybeRead();
        }
    }

    @Override
    public void onUpstreamClosed() {
        upstream = null;
        if (!finished) {
            cluster.stats().requestAbandoned();
            endpoint.requestFinished(true, false);
            failUpstream(ProxyError.UPSTREAM_RESET, false);
        }
    }

    // ---- endings

    private void failUpstream(ProxyError error, boolean timeout) {
        abandonUpstream(timeout);
        if (responseStarted) {
            // Too late for an error page: the client must see a truncated response, not a complete one.
            finished = true;
            listener.stats().localError(error.code());
            listener.stats().requestFinished(status, startNanos);
            conn.exchangeFinished(this, false);
            ctx.close();
        } else {
            localReply(error, error.status());
        }
    }

    private void abandonUpstream(boolean timeout) {
        UpstreamConnection c = upstream;
        if (c != null) {
            upstream = null;
            cluster.stats().requestAbandoned();
            endpoint.requestFinished(true, timeout);
            c.abort();
        }
    }

    private void onTimeout() {
        timer = null;
        if (finished) {
            return;
        }
        if (cluster != null) {
            cluster.stats().timeout();
        }
        if (waitingForPool) {
            waitingForPool = false;
            pool.cancel(this);
        }
        failUpstream(ProxyError.UPSTREAM_TIMEOUT, true);
    }

    private void localReply(ProxyError error, int code) {
        listener.stats().localError(error.code());
        sendLocal(LocalReplies.error(ctx.alloc(), code, error, listener.http().serverName()));
    }

    private void routeReply(int code, String body, String location) {
        FullHttpResponse r = LocalReplies.text(ctx.alloc(), code, body, listener.http().serverName());
        if (location != null) {
            r.headers().set(HttpHeaderNames.LOCATION, location);
        }
        selection.applyResponseHeaders(new NettyHeaders(r.headers()), headerContext());
        sendLocal(r);
    }

    private void rejectMalformed(Throwable cause) {
        ProxyError error = cause instanceof TooLongHttpHeaderException ? ProxyError.HEADERS_TOO_LARGE
                : cause instanceof TooLongHttpLineException ? ProxyError.URI_TOO_LONG
                : cause instanceof TooLongFrameException ? ProxyError.HEADERS_TOO_LARGE
                : ProxyError.BAD_REQUEST;
        malformed = true; // the decoder is broken now: never keep this connection
        localReply(error, error.status());
    }

    private void sendLocal(FullHttpResponse response) {
        finished = true;
        cancelTimer();
        releasePendingBody();
        status = response.status().code();
        // A small unread body is read and dropped so the connection can be kept; a large one is not worth it.
        discardingBody = !requestComplete && !malformed && smallBody();
        keepAlive = clientKeepAlive && !malformed && (requestComplete || discardingBody) && !conn.isDraining();
        discardingBody &= keepAlive;
        setConnectionHeader(response.headers());
        complete(ctx.writeAndFlush(response));
    }

    private boolean smallBody() {
        return !HttpUtil.isTransferEncodingChunked(request)
                && HttpUtil.getContentLength(request, 0L) <= MAX_DISCARDED_BODY;
    }

    private void complete(ChannelFuture lastWrite) {
        boolean reuse = keepAlive && !conn.isDraining();
        if (!reuse) {
            discardingBody = false;
            lastWrite.addListener(ChannelFutureListener.CLOSE);
        }
        listener.stats().requestFinished(status, startNanos);
        if (!discardingBody) {
            conn.exchangeFinished(this, reuse);
        }
    }

    private void setConnectionHeader(io.netty.handler.codec.http.HttpHeaders headers) {
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    private void armTimer() {
        if (timer != null || action == null) {
            return;
        }
        long nanos = action.timeout().toNanos();
        if (nanos > 0) {
            timer = ctx.executor().schedule(this::onTimeout, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void releasePendingBody() {
        if (pendingBody != null) {
            for (HttpContent c; (c = pendingBody.poll()) != null; ) {
                c.release();
            }
            pendingBody = null;
        }
    }

    private HeaderContext headerContext() {
        return new HeaderContext(conn.remoteAddress(), conn.localAddress(),
                http10 ? "HTTP/1.0" : "HTTP/1.1", endpoint == null ? null : endpoint.config().hostPort());
    }
}
