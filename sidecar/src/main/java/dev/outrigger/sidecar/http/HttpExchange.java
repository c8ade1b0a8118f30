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
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

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

    private final Downstream conn;
    private final ChannelHandlerContext ctx;
    private final ListenerContext listener;
    private final HttpRequest request;
    private final boolean clientKeepAlive;
    private final boolean http10;
    private final boolean expectsContinue;

    private final RequestAdmission admission;
    private final ExchangeRecord record;
    private EndpointState endpoint;
    private UpstreamCall call;
    private final ExchangeTimers timers;
    private int status;
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean keepAlive;
    private boolean finished;
    private boolean discardingBody;
    private boolean malformed;
    /** Request body that arrived while an HTTP filter was deciding, or null when none is. */
    private HeldBody heldBody;

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
        this.admission = new RequestAdmission(conn, request, http10);
        this.record = new ExchangeRecord(listener.stats(), ExchangeLog.of(conn, request, admission, http10));
    }

    boolean isRequestComplete() {
        return requestComplete;
    }

    /** Whether the connection should read more request body now. */
    boolean wantsRequestBody() {
        return !requestComplete && (discardingBody || (!finished && call != null && call.canTakeBody()));
    }

    void start() {
        try {
            carryOut(admission.decide());
        } catch (RuntimeException e) {
            failedInside(e);
        }
    }

    /** Does what the admission decided. */
    private void carryOut(RequestAdmission.Outcome outcome) {
        switch (outcome) {
            case REFUSE -> {
                malformed |= admission.malformed();
                localReply(admission.error(), admission.errorStatus());
            }
            case FILTER_REPLY -> filterReply(admission.reply());
            case WAIT -> {
                heldBody = new HeldBody();
                admission.pending().whenCompleteAsync(this::afterFilters, ctx.executor());
            }
            case ACT -> act(admission.action());
            default -> throw new IllegalStateException(outcome.name());
        }
    }

    /** Runs the route's action: forward, redirect or answer directly. */
    private void act(RouteAction routeAction) {
        if (routeAction instanceof ForwardAction f) {
            forward(f, admission.clusterName());
        } else if (routeAction instanceof RedirectAction r) {
            routeReply(r.status(), null, r.location(admission.view(), listener.scheme()));
        } else {
            DirectResponseAction d = (DirectResponseAction) routeAction;
            routeReply(d.status(), d.body(), null);
        }
    }

    /** A filter that decided later has: go on, on the event loop, unless the client left meanwhile. */
    private void afterFilters(dev.outrigger.sidecar.filter.FilterResult result, Throwable failure) {
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
            } else {
                carryOut(admission.afterFilters(result));
            }
        } catch (RuntimeException e) {
            failedInside(e);
        }
        // As if it arrived now: sent upstream, or dropped (and the end of it noted) after a local answer.
        held.deliver(this::onRequestContent);
        // Written upstream outside a downstream read: flush it now.
        onDownstreamReadComplete();
        conn.maybeRead();
    }

    /** A bug must cost this request, not the connection's other requests or buffers. */
    private void failedInside(RuntimeException e) {
        log.warn("request {} {} failed inside the proxy", request.method(), request.uri(), e);
        if (!finished) {
            malformed = true; // the connection's state is unknown: do not keep it
            localReply(ProxyError.INTERNAL_ERROR, 0);
        }
    }

    private void forward(ForwardAction f, String clusterName) {
        timers.routeTimeout(f.timeout());
        UpstreamCluster cluster = listener.clusters().get(clusterName);
        if (cluster == null) {
            localReply(ProxyError.CLUSTER_NOT_FOUND, f.clusterNotFoundStatus());
            return;
        }
        ProxyError unfit = admission.unfitCluster(cluster);
        if (unfit != null) {
            localReply(unfit, 0);
            return;
        }
        admission.hashForBalancing(f);
        endpoint = cluster.loadBalancer().choose(admission);
        record.routedTo(clusterName, endpoint == null ? null : endpoint.hostPort());
        if (endpoint == null) {
            localReply(ProxyError.NO_HEALTHY_UPSTREAM, 0);
            return;
        }
        if (!cluster.tryAcquireRequestSlot()) {
            // circuit_breakers max_requests: refused now rather than queued.
            localReply(ProxyError.UPSTREAM_OVERFLOW, 0);
            return;
        }
        record.holdsRequestSlot(cluster);
        if (admission.grpc()) {
            timers.armGrpcDeadline(f, request.headers());
        }
        if (expectsContinue) {
            // Like Envoy, answer 100-continue here; the upstream never sees the expectation.
            request.headers().remove(HttpHeaderNames.EXPECT);
            ctx.writeAndFlush(LocalReplies.continue100());
        }
        admission.prepareUpstreamRequest(f, endpoint.hostPort(), headerContext());
        // The timer also bounds the wait for a pooled connection; if the body is still coming
        // when the connection is ready, it restarts once the request is complete.
        timers.armRouteTimeout();
        call = new UpstreamCall(this, ctx, request, cluster, endpoint,
                cluster.pool(ctx.channel().eventLoop(), endpoint, conn.isHttp2() && admission.upgradeType() == null));
        call.start();
    }

    // ---- events from the downstream connection

    void onRequestContent(HttpContent content) {
        record.requestBody(content.content().readableBytes());
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
        record.finished(0);
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
        ExchangeFilters.addResponseHeaders(admission.filtered(), response.headers());
        ProxyHeaders.setConnection(response.headers(), conn.isHttp2(), keepAlive, http10);
        record.responseHeaders(response.headers());
    }

    /** What this exchange reports (the upstream call adds the response body bytes). */
    ExchangeRecord record() {
        return record;
    }

    /** Whether this exchange asked the upstream for an upgrade. */
    boolean isUpgrading() {
        return admission.upgradeType() != null;
    }

    /** The upstream switched protocols: from here on the two connections are a tunnel. */
    void onUpgraded(HttpResponse switching, dev.outrigger.sidecar.upstream.UpstreamConnection upstream) {
        finished = true;
        timers.cancel();
        status = switching.status().code();
        applyResponseRules(switching.headers());
        record.responseHeaders(switching.headers());
        record.finished(status);
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
        if (admission.grpc() && conn.isHttp2()) {
            // A gRPC response under way can still end properly: its status goes in the trailers.
            record.error(error.code());
            finished = true;
            timers.cancel();
            complete(ctx.writeAndFlush(Grpc.errorTrailers(error)));
            return;
        }
        // Too late for an error page: the client must see a truncated response, not a complete one.
        finished = true;
        timers.cancel();
        record.error(error.code());
        record.finished(status);
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
        record.error(error.code());
        sendLocal(LocalReplies.error(ctx.alloc(), admission.grpc(), error, status, conn.hcm().serverName()));
    }

    private void routeReply(int code, String body, String location) {
        FullHttpResponse r = LocalReplies.text(ctx.alloc(), code, body, conn.hcm().serverName());
        if (location != null) {
            r.headers().set(HttpHeaderNames.LOCATION, location);
        }
        applyResponseRules(r.headers());
        ExchangeFilters.addResponseHeaders(admission.filtered(), r.headers());
        sendLocal(r);
    }

    /** A filter answered: its status, code and text (or gRPC status), its headers and the chain's. */
    private void filterReply(dev.outrigger.sidecar.filter.FilterResult.Reply reply) {
        record.error(reply.code());
        FullHttpResponse r = LocalReplies.filterReply(ctx.alloc(), admission.grpc(), reply, conn.hcm().serverName());
        ExchangeFilters.addResponseHeaders(admission.filtered(), r.headers());
        sendLocal(r);
    }

    private void sendLocal(FullHttpResponse response) {
        finished = true;
        timers.cancel();
        releaseUnsentRequest();
        status = response.status().code();
        // A small unread body is read and dropped so the connection can be kept; a large one is not
        // worth it, and a client waiting for 100-continue will not send its body at all.
        discardingBody = !requestComplete && !malformed && !expectsContinue && !conn.isHttp2()
                && RequestChecks.smallBody(request);
        keepAlive = clientKeepAlive && !malformed && (requestComplete || discardingBody) && !conn.isDraining();
        discardingBody &= keepAlive;
        ProxyHeaders.setConnection(response.headers(), conn.isHttp2(), keepAlive, http10);
        record.responseHeaders(response.headers());
        record.responseBody(response.content().readableBytes());
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
        record.finished(status);
        if (!discardingBody) {
            conn.exchangeFinished(this, reuse);
        }
    }

    /** The selected route's response header rules, if it has any. */
    private void applyResponseRules(HttpHeaders headers) {
        RouteSelection selection = admission.selection();
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
