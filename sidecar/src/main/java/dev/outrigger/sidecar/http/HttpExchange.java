package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.route.DirectResponseAction;
import dev.outrigger.sidecar.route.ForwardAction;
import dev.outrigger.sidecar.route.HeaderContext;
import dev.outrigger.sidecar.route.RedirectAction;
import dev.outrigger.sidecar.route.RouteAction;
import dev.outrigger.sidecar.route.RouteSelection;
import dev.outrigger.sidecar.upstream.UpstreamCluster;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One request and its response on a downstream HTTP/1.1 connection: route it, then answer it
 * locally or hand it to an {@link UpstreamCall} that streams it to an endpoint and the response
 * back. This class owns the request's fate: headers, keep-alive, timeout, and error replies.
 *
 * <p>Bodies pass through as the codec's reference-counted buffers, never copied; whatever is not
 * forwarded is released. Everything runs on the downstream connection's event loop, which is
 * also the upstream connection's, so no field needs synchronisation.
 */
final class HttpExchange {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HttpExchange.class);

    /** Largest unread request body that is read and dropped after a local reply, to keep the connection. */
    private static final long MAX_DISCARDED_BODY = 64 * 1024;

    private final Downstream conn;
    private final ChannelHandlerContext ctx;
    private final ListenerContext listener;
    private final HttpRequest request;
    private final long startNanos = System.nanoTime();
    private final boolean clientKeepAlive;
    private final boolean http10;
    private final boolean expectsContinue;

    private RouteSelection selection;
    private EndpointState endpoint;
    private UpstreamCall call;
    private final ExchangeTimers timers;
    private boolean grpc;
    private String upgradeType;
    private String upgradeValue;
    private int status;
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean keepAlive;
    private boolean finished;
    private boolean discardingBody;
    private boolean malformed;
    /** Request body that arrived while an HTTP filter was deciding, or null when none is. */
    private HeldBody heldBody;
    /** What the HTTP filters saw and left (response headers), or null when the chain has none. */
    private dev.outrigger.sidecar.filter.FilterContext filtered;

    HttpExchange(Downstream conn, HttpRequest request) {
        this.conn = conn;
        this.ctx = conn.ctx();
        this.listener = conn.listener();
        this.request = request;
        this.http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.requestComplete = request instanceof LastHttpContent;
        this.expectsContinue = !http10 && HttpUtil.is100ContinueExpected(request);
        this.timers = new ExchangeTimers(conn.deadlineTimer());
    }

    boolean isRequestComplete() {
        return requestComplete;
    }

    /** Whether the connection should read more request body now. */
    boolean wantsRequestBody() {
        return !requestComplete && (discardingBody || (!finished && call != null && call.canTakeBody()));
    }

    void start() {
        listener.stats().requestStarted();
        try {
            route();
        } catch (RuntimeException e) {
            // A bug must cost this request, not the connection's other requests or buffers.
            log.warn("request {} {} failed inside the proxy", request.method(), request.uri(), e);
            if (!finished) {
                malformed = true; // the connection's state is unknown: do not keep it
                localReply(ProxyError.INTERNAL_ERROR, 0);
            }
        }
    }

    private void route() {
        // Known first, so that every error after this is answered in gRPC's terms to a gRPC client.
        grpc = Grpc.isGrpc(request);
        ProxyError problem = RequestChecks.problem(request, http10);
        if (problem != null) {
            // A request the decoder failed on leaves the decoder broken: never keep that connection.
            malformed = request.decoderResult().isFailure();
            localReply(problem, 0);
            return;
        }
        if (conn.isHttp2()) {
            ProxyHeaders.removeHttp2Extensions(request.headers());
        }
        NettyRequestView view = new NettyRequestView(request);
        selection = conn.hcm().routeTable().select(view);
        if (selection == null) {
            // As in Envoy, the filters run before the router finds no route (an RBAC denial wins over a 404).
            if (!filtersTookOver(view, null, null)) {
                localReply(ProxyError.NO_ROUTE, 0);
            }
            return;
        }
        RouteAction routeAction = selection.route().action();
        // Only a forwarded request can upgrade; a local answer simply ignores the wish.
        upgradeType = conn.isHttp2() || !(routeAction instanceof ForwardAction) ? null
                : UpgradeTunnel.requestedUpgrade(request);
        if (upgradeType != null) {
            upgradeValue = request.headers().get(HttpHeaderNames.UPGRADE);
            if (!((ForwardAction) routeAction).allowsUpgrade(upgradeType,
                    conn.hcm().upgradeTypes().contains(upgradeType))) {
                localReply(ProxyError.UPGRADE_FAILED, 0);
                return;
            }
        }
        // Weighted clusters are picked now: filters (rate-limit descriptors) see the destination.
        String clusterName = routeAction instanceof ForwardAction f ? f.pickCluster(ThreadLocalRandom.current()) : null;
        if (!filtersTookOver(view, routeAction, clusterName)) {
            act(routeAction, clusterName, view);
        }
    }

    /** Runs the route's action: forward, redirect or answer directly. */
    private void act(RouteAction routeAction, String clusterName, NettyRequestView view) {
        if (routeAction instanceof ForwardAction f) {
            forward(f, clusterName);
        } else if (routeAction instanceof RedirectAction r) {
            routeReply(r.status(), null, r.location(view, listener.scheme()));
        } else {
            DirectResponseAction d = (DirectResponseAction) routeAction;
            routeReply(d.status(), d.body(), null);
        }
    }

    /**
     * Runs the connection manager's HTTP filters. True when they took the request over: one
     * answered, or one decides later (then the action, or the 404 without {@code action}, follows
     * when it has).
     */
    private boolean filtersTookOver(NettyRequestView view, RouteAction action, String clusterName) {
        dev.outrigger.sidecar.filter.HttpFilterChain filters = listener.httpFilters(conn.hcm());
        if (filters.isEmpty()) {
            return false;
        }
        filtered = ExchangeFilters.context(ctx.channel(), request, view, conn.hcm(), clusterName,
                listener.serviceCluster(), selection);
        dev.outrigger.sidecar.filter.FilterResult result = filters.run(filtered, selection);
        if (result instanceof dev.outrigger.sidecar.filter.FilterResult.Reply reply) {
            filterReply(reply);
            return true;
        }
        if (result instanceof dev.outrigger.sidecar.filter.FilterResult.Pending pending) {
            heldBody = new HeldBody();
            pending.result().whenCompleteAsync((done, failure) -> afterFilters(done, failure, view, action,
                    clusterName), ctx.executor());
            return true;
        }
        return false;
    }

    /** A filter that decided later has: go on, on the event loop, unless the client left meanwhile. */
    private void afterFilters(dev.outrigger.sidecar.filter.FilterResult result, Throwable failure,
            NettyRequestView view, RouteAction action, String clusterName) {
        HeldBody held = heldBody;
        heldBody = null;
        if (finished) {
            held.release();
            return;
        }
        try {
            if (failure != null) {
                log.warn("an HTTP filter failed on {} {}", request.method(), request.uri(), failure);
                localReply(ProxyError.FILTER_FAILED, 0);
            } else if (result instanceof dev.outrigger.sidecar.filter.FilterResult.Reply reply) {
                filterReply(reply);
            } else if (action == null) {
                localReply(ProxyError.NO_ROUTE, 0);
            } else {
                act(action, clusterName, view);
            }
        } catch (RuntimeException e) {
            log.warn("request {} {} failed inside the proxy", request.method(), request.uri(), e);
            if (!finished) {
                malformed = true;
                localReply(ProxyError.INTERNAL_ERROR, 0);
            }
        }
        // As if it arrived now: sent upstream, or dropped (and the end of it noted) after a local answer.
        held.deliver(this::onRequestContent);
        // Written upstream outside a downstream read: flush it now.
        onDownstreamReadComplete();
        conn.maybeRead();
    }

    private void forward(ForwardAction f, String clusterName) {
        timers.routeTimeout(f.timeout());
        UpstreamCluster cluster = listener.clusters().get(clusterName);
        if (cluster == null) {
            localReply(ProxyError.CLUSTER_NOT_FOUND, f.clusterNotFoundStatus());
            return;
        }
        if (upgradeType != null && !cluster.speaksHttp1To(false)) {
            // An upgrade needs an HTTP/1.1 connection upstream (extended CONNECT over HTTP/2 is not supported).
            localReply(ProxyError.UPGRADE_FAILED, 0);
            return;
        }
        if (grpc && cluster.speaksHttp1To(conn.isHttp2())) {
            // Trailers carry a gRPC call's status; HTTP/1.1 upstreams cannot be trusted with them.
            localReply(ProxyError.GRPC_NEEDS_HTTP2, 0);
            return;
        }
        endpoint = cluster.loadBalancer().choose();
        if (endpoint == null) {
            localReply(ProxyError.NO_HEALTHY_UPSTREAM, 0);
            return;
        }
        if (grpc) {
            timers.armGrpcDeadline(f, request.headers());
        }
        if (expectsContinue) {
            // Like Envoy, answer 100-continue here; the upstream never sees the expectation.
            request.headers().remove(HttpHeaderNames.EXPECT);
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        ProxyHeaders.prepareUpstreamRequest(request, f, conn.hcm(), conn.remoteIp(), listener.scheme(),
                endpoint.hostPort());
        ClientCertHeader.apply(request.headers(), conn.hcm().forwardClientCert(),
                dev.outrigger.sidecar.downstream.PeerCertificate.of(ctx.channel()));
        if (selection.changesRequestHeaders()) {
            selection.applyRequestHeaders(new NettyHeaders(request.headers()), headerContext());
        }
        if (upgradeType != null) {
            UpgradeTunnel.keepUpgradeHeaders(request, upgradeValue);
        }
        // The timer also bounds the wait for a pooled connection; if the body is still coming
        // when the connection is ready, it restarts once the request is complete.
        timers.armRouteTimeout();
        call = new UpstreamCall(this, ctx, request, cluster, endpoint,
                cluster.pool(ctx.channel().eventLoop(), endpoint, conn.isHttp2() && upgradeType == null));
        call.start();
    }

    // ---- events from the downstream connection

    void onRequestContent(HttpContent content) {
        if (finished) {
            content.release();
            if (discardingBody && content instanceof LastHttpContent) {
                // The rest of a request already answered: the connection can serve the next one.
                discardingBody = false;
                requestComplete = true;
                boolean reuse = !conn.isDraining();
                if (!reuse) {
                    ctx.close();
                }
                conn.exchangeFinished(this, reuse);
            }
            return;
        }
        if (content.decoderResult().isFailure()) {
            // A broken body (a bad chunk size, say) must not reach the upstream as if it were complete.
            ProxyError error = ProxyError.ofDecoderFailure(content.decoderResult().cause());
            content.release();
            malformed = true;
            call.cancel(false);
            onUpstreamFailed(error);
            return;
        }
        if (call == null) {
            if (heldBody != null) {
                // An HTTP filter is deciding: keep what this read decoded (reading stops meanwhile).
                heldBody.add(content);
            } else {
                content.release();
            }
            return;
        }
        call.sendBody(content);
        if (content instanceof LastHttpContent) {
            requestComplete = true;
            timers.armRouteTimeout();
        }
    }

    void onDownstreamReadComplete() {
        if (call != null) {
            call.flush();
        }
    }

    void onDownstreamWritabilityChanged() {
        if (call != null && ctx.channel().isWritable()) {
            call.onDownstreamWritable();
        }
    }

    void onDownstreamClosed() {
        if (finished) {
            return;
        }
        finished = true;
        timers.cancel();
        if (call != null) {
            call.cancel(false);
        }
        if (heldBody != null) {
            heldBody.release();
        }
        releaseUnsentRequest();
        listener.stats().requestFinished(0, startNanos);
    }

    // ---- events from the upstream call

    void onUpstreamConnected() {
        if (!requestComplete) {
            // The body flows now; the route timeout counts from its end, as in Envoy.
            timers.cancelRouteTimeout();
        }
        conn.maybeRead();
    }

    void onUpstreamWritable() {
        conn.maybeRead();
    }

    void onResponseHead(HttpResponse response) {
        status = response.status().code();
        responseStarted = true;
        boolean reusable = ProxyHeaders.prepareDownstreamResponse(response, request.method(), http10);
        keepAlive = clientKeepAlive && requestComplete && !conn.isDraining() && reusable;
        applyResponseRules(response.headers());
        ExchangeFilters.addResponseHeaders(filtered, response.headers());
        setConnectionHeader(response.headers());
    }

    /** Whether this exchange asked the upstream for an upgrade. */
    boolean isUpgrading() {
        return upgradeType != null;
    }

    /** The upstream switched protocols: from here on the two connections are a tunnel. */
    void onUpgraded(HttpResponse switching, dev.outrigger.sidecar.upstream.UpstreamConnection upstream) {
        finished = true;
        timers.cancel();
        status = switching.status().code();
        applyResponseRules(switching.headers());
        listener.stats().requestFinished(status, startNanos);
        UpgradeTunnel.open((Http1ServerHandler) conn, upstream, switching, conn.hcm().idleTimeout());
    }

    void onResponseComplete(ChannelFuture lastWrite) {
        finished = true;
        timers.cancel();
        complete(lastWrite);
    }

    void onUpstreamFailed(ProxyError error) {
        if (finished) {
            return;
        }
        if (!responseStarted) {
            localReply(error, 0);
            return;
        }
        if (grpc && conn.isHttp2()) {
            // A gRPC response under way can still end properly: its status goes in the trailers.
            listener.stats().localError(error.code());
            finished = true;
            timers.cancel();
            complete(ctx.writeAndFlush(Grpc.errorTrailers(error)));
            return;
        }
        // Too late for an error page: the client must see a truncated response, not a complete one.
        finished = true;
        timers.cancel();
        listener.stats().localError(error.code());
        listener.stats().requestFinished(status, startNanos);
        conn.exchangeFinished(this, false);
        ctx.close();
    }

    /** The connection's deadline timer fired while this exchange was its current one. */
    void onTimerFired() {
        if (!finished && timers.expired()) {
            onTimeout();
        }
    }

    private void onTimeout() {
        if (!finished) {
            call.cancel(true);
            onUpstreamFailed(ProxyError.UPSTREAM_TIMEOUT);
        }
    }

    // ---- local answers and the end of the exchange

    /** Answers with {@code error}; {@code status} 0 means the error's own status. */
    private void localReply(ProxyError error, int status) {
        listener.stats().localError(error.code());
        sendLocal(grpc ? Grpc.errorResponse(error, conn.hcm().serverName())
                : LocalReplies.error(ctx.alloc(), status == 0 ? error.status() : status, error,
                        conn.hcm().serverName()));
    }

    private void routeReply(int code, String body, String location) {
        FullHttpResponse r = LocalReplies.text(ctx.alloc(), code, body, conn.hcm().serverName());
        if (location != null) {
            r.headers().set(HttpHeaderNames.LOCATION, location);
        }
        applyResponseRules(r.headers());
        ExchangeFilters.addResponseHeaders(filtered, r.headers());
        sendLocal(r);
    }

    /** A filter answered: its status, code and text (or gRPC status), its headers and the chain's. */
    private void filterReply(dev.outrigger.sidecar.filter.FilterResult.Reply reply) {
        listener.stats().localError(reply.code());
        FullHttpResponse r = grpc
                ? Grpc.errorResponse(reply.grpcStatus(), reply.code(), reply.text(), conn.hcm().serverName())
                : LocalReplies.error(ctx.alloc(), reply.status(), reply.code(), reply.text(), conn.hcm().serverName());
        for (var h : reply.headers()) {
            r.headers().add(h.getKey(), h.getValue());
        }
        ExchangeFilters.addResponseHeaders(filtered, r.headers());
        sendLocal(r);
    }

    private void sendLocal(FullHttpResponse response) {
        finished = true;
        timers.cancel();
        releaseUnsentRequest();
        status = response.status().code();
        // A small unread body is read and dropped so the connection can be kept; a large one is not
        // worth it, and a client waiting for 100-continue will not send its body at all.
        discardingBody = !requestComplete && !malformed && !expectsContinue && !conn.isHttp2() && smallBody();
        keepAlive = clientKeepAlive && !malformed && (requestComplete || discardingBody) && !conn.isDraining();
        discardingBody &= keepAlive;
        setConnectionHeader(response.headers());
        complete(ctx.writeAndFlush(response));
    }

    /**
     * A request that never went upstream is still ours to release: an aggregated or HTTP/2
     * request arrives as a full message with a buffer.
     */
    private void releaseUnsentRequest() {
        if ((call == null || !call.requestSent()) && request instanceof io.netty.util.ReferenceCounted rc
                && rc.refCnt() > 0) {
            rc.release();
        }
    }

    private boolean smallBody() {
        return !HttpUtil.isTransferEncodingChunked(request)
                && HttpUtil.getContentLength(request, 0L) <= MAX_DISCARDED_BODY;
    }

    private void complete(ChannelFuture lastWrite) {
        // Draining may have started after the head went out: close anyway.
        boolean reuse = keepAlive && !conn.isDraining();
        if (conn.isHttp2()) {
            // A stream simply ends; only an unfinished request needs telling to stop.
            discardingBody = false;
            if (!requestComplete) {
                // After the response's last frame is out: a reset written now would overtake the
                // DATA that flow control still holds, and discard it with the stream.
                lastWrite.addListener(f -> conn.endUnfinishedRequest());
            }
        } else if (!reuse) {
            discardingBody = false;
            lastWrite.addListener(ChannelFutureListener.CLOSE);
        }
        listener.stats().requestFinished(status, startNanos);
        if (!discardingBody) {
            conn.exchangeFinished(this, reuse);
        }
    }

    private void setConnectionHeader(HttpHeaders headers) {
        if (conn.isHttp2()) {
            // HTTP/2 has no connection headers (RFC 9113 8.2.2); a stream simply ends.
            return;
        }
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /** The selected route's response header rules, if it has any. */
    private void applyResponseRules(HttpHeaders headers) {
        if (selection.changesResponseHeaders()) {
            selection.applyResponseHeaders(new NettyHeaders(headers), headerContext());
        }
    }

    private HeaderContext headerContext() {
        return new HeaderContext(conn.remoteAddress(), conn.localAddress(),
                conn.isHttp2() ? "HTTP/2" : http10 ? "HTTP/1.0" : "HTTP/1.1",
                endpoint == null ? null : endpoint.hostPort());
    }
}
