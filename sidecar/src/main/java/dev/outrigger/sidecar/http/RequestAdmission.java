package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.filter.FilterContext;
import dev.outrigger.sidecar.filter.FilterResult;
import dev.outrigger.sidecar.filter.HttpFilterChain;
import dev.outrigger.sidecar.route.ForwardAction;
import dev.outrigger.sidecar.route.RouteAction;
import dev.outrigger.sidecar.route.RouteSelection;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The way into an exchange: what the request is (gRPC, an upgrade), whether it is acceptable,
 * its route and destination cluster, and what the HTTP filters make of it. It decides;
 * {@link HttpExchange} carries the decision out and owns the response.
 *
 * <p>The decision is an {@link Outcome} with its details in this object's fields, so that the
 * common path allocates nothing more. Runs on the exchange's event loop.
 */
final class RequestAdmission implements dev.outrigger.sidecar.cluster.LbContext {

    /** What to do with the request. */
    enum Outcome {
        /** Answer with {@link #error()} (status {@link #errorStatus()}; 0 means the error's own). */
        REFUSE,
        /** An HTTP filter answered: {@link #reply()}. */
        FILTER_REPLY,
        /** Carry out {@link #action()} (to {@link #clusterName()} when it forwards). */
        ACT,
        /** An HTTP filter decides later: {@link #pending()}, then {@link #afterFilters}. */
        WAIT
    }

    private final Downstream conn;
    private final HttpRequest request;
    private final boolean http10;
    private boolean grpc;
    private boolean malformed;
    private NettyRequestView view;
    private RouteSelection selection;
    private RouteAction action;
    private String clusterName;
    private String upgradeType;
    private String upgradeValue;
    private FilterContext filtered;
    private ProxyError error;
    private int errorStatus;
    private FilterResult.Reply reply;
    private CompletionStage<FilterResult> pending;
    private boolean hasHash;
    private long hash;

    RequestAdmission(Downstream conn, HttpRequest request, boolean http10) {
        this.conn = conn;
        this.request = request;
        this.http10 = http10;
    }

    /** Checks, routes and filters the request. */
    Outcome decide() {
        // Known first, so that every error after this is answered in gRPC's terms to a gRPC client.
        grpc = Grpc.isGrpc(request);
        ProxyError problem = RequestChecks.problem(request, http10);
        if (problem != null) {
            // A request the decoder failed on leaves the decoder broken: never keep that connection.
            malformed = request.decoderResult().isFailure();
            return refuse(problem, 0);
        }
        if (conn.isHttp2()) {
            ProxyHeaders.removeHttp2Extensions(request.headers());
        }
        view = new NettyRequestView(request);
        selection = conn.hcm().routeTable().select(view);
        if (selection == null) {
            // As in Envoy, the filters run before the router finds no route (an RBAC denial wins over a 404).
            return runFilters();
        }
        RouteAction routeAction = selection.route().action();
        // Only a forwarded request can upgrade; a local answer simply ignores the wish.
        upgradeType = conn.isHttp2() || !(routeAction instanceof ForwardAction) ? null
                : UpgradeTunnel.requestedUpgrade(request);
        if (upgradeType != null) {
            upgradeValue = request.headers().get(HttpHeaderNames.UPGRADE);
            if (!((ForwardAction) routeAction).allowsUpgrade(upgradeType,
                    conn.hcm().upgradeTypes().contains(upgradeType))) {
                return refuse(ProxyError.UPGRADE_FAILED, 0);
            }
        }
        action = routeAction;
        // Weighted clusters are picked now: filters (rate-limit descriptors) see the destination.
        clusterName = routeAction instanceof ForwardAction f ? f.pickCluster(ThreadLocalRandom.current()) : null;
        return runFilters();
    }

    /**
     * Hashes the request under its route's {@code hash_policy}, for ring hash and Maglev
     * clusters; nothing to do (and nothing allocated) for a route without one. Call before
     * choosing the endpoint, after the filters (which may change headers).
     */
    void hashForBalancing(ForwardAction f) {
        java.util.List<dev.outrigger.sidecar.route.HashPolicy> policies = f.hashPolicies();
        for (int i = 0; i < policies.size(); i++) {
            dev.outrigger.sidecar.route.HashPolicy p = policies.get(i);
            String value = p.value(view, conn.remoteIp());
            if (value == null) {
                continue;
            }
            long h = dev.outrigger.sidecar.cluster.XxHash64.hash(value);
            hash = hasHash ? dev.outrigger.sidecar.route.HashPolicy.combine(hash, h) : h;
            hasHash = true;
            if (p.terminal()) {
                break;
            }
        }
    }

    @Override
    public boolean hasHash() {
        return hasHash;
    }

    @Override
    public long hash() {
        return hash;
    }

    /** What a filter that decided later (with {@code result}) means for the request. */
    Outcome afterFilters(FilterResult result) {
        pending = null;
        if (result instanceof FilterResult.Reply r) {
            reply = r;
            return Outcome.FILTER_REPLY;
        }
        return proceed();
    }

    private Outcome runFilters() {
        HttpFilterChain filters = conn.listener().httpFilters(conn.hcm());
        if (filters.isEmpty()) {
            return proceed();
        }
        filtered = ExchangeFilters.context(conn.ctx().channel(), request, view, conn.hcm(), clusterName,
                conn.listener().serviceCluster(), selection);
        FilterResult result = filters.run(filtered, selection);
        if (result instanceof FilterResult.Pending p) {
            pending = p.result();
            return Outcome.WAIT;
        }
        return afterFilters(result);
    }

    private Outcome proceed() {
        return action == null ? refuse(ProxyError.NO_ROUTE, 0) : Outcome.ACT;
    }

    private Outcome refuse(ProxyError problem, int status) {
        error = problem;
        errorStatus = status;
        return Outcome.REFUSE;
    }

    /**
     * Why the request cannot go to {@code cluster} (its route's, found), or null when it can:
     * an upgrade needs HTTP/1.1 upstream, a gRPC call needs HTTP/2.
     */
    ProxyError unfitCluster(dev.outrigger.sidecar.upstream.UpstreamCluster cluster) {
        if (upgradeType != null && !cluster.speaksHttp1To(false)) {
            // An upgrade needs an HTTP/1.1 connection upstream (extended CONNECT over HTTP/2 is not supported).
            return ProxyError.UPGRADE_FAILED;
        }
        if (grpc && cluster.speaksHttp1To(conn.isHttp2())) {
            // Trailers carry a gRPC call's status; HTTP/1.1 upstreams cannot be trusted with them.
            return ProxyError.GRPC_NEEDS_HTTP2;
        }
        return null;
    }

    /**
     * Makes the request what the upstream {@code hostPort} gets: proxy headers, the client
     * certificate header, the route's header rules, and the upgrade headers kept.
     */
    void prepareUpstreamRequest(ForwardAction f, String hostPort, dev.outrigger.sidecar.route.HeaderContext headers) {
        ProxyHeaders.prepareUpstreamRequest(request, f, conn.hcm(), conn.remoteIp(), conn.listener().scheme(),
                hostPort);
        ClientCertHeader.apply(request.headers(), conn.hcm().forwardClientCert(),
                dev.outrigger.sidecar.downstream.PeerCertificate.of(conn.ctx().channel()));
        if (selection.changesRequestHeaders()) {
            selection.applyRequestHeaders(new NettyHeaders(request.headers()), headers);
        }
        if (upgradeType != null) {
            UpgradeTunnel.keepUpgradeHeaders(request, upgradeValue);
        }
    }

    /** Whether the request is a gRPC call (known once {@link #decide} ran). */
    boolean grpc() {
        return grpc;
    }

    /** Whether the decoder failed on the request: the connection cannot be kept. */
    boolean malformed() {
        return malformed;
    }

    /** The request as routes and filters see it, or null when it was refused before routing. */
    NettyRequestView view() {
        return view;
    }

    /** The selected route, or null when none matched (or before routing). */
    RouteSelection selection() {
        return selection;
    }

    /** The route's action, with {@link Outcome#ACT}. */
    RouteAction action() {
        return action;
    }

    /** The cluster a forwarded request goes to (weighted clusters already picked), else null. */
    String clusterName() {
        return clusterName;
    }

    /** The protocol the client asked to upgrade to and the route allows, or null. */
    String upgradeType() {
        return upgradeType;
    }

    /** The client's {@code upgrade} header, with {@link #upgradeType()}. */
    String upgradeValue() {
        return upgradeValue;
    }

    /** What the HTTP filters saw and left (response headers, metadata), or null when none ran. */
    FilterContext filtered() {
        return filtered;
    }

    /** With {@link Outcome#REFUSE}: the error. */
    ProxyError error() {
        return error;
    }

    /** With {@link Outcome#REFUSE}: the status to answer with, 0 for the error's own. */
    int errorStatus() {
        return errorStatus;
    }

    /** With {@link Outcome#FILTER_REPLY}: the filter's answer. */
    FilterResult.Reply reply() {
        return reply;
    }

    /** With {@link Outcome#WAIT}: the filters' later decision. */
    CompletionStage<FilterResult> pending() {
        return pending;
    }
}
