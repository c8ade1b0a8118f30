package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.ratelimit.RateLimitInput;
import dev.outrigger.sidecar.rbac.RbacInput;
import dev.outrigger.sidecar.route.MutableHeaders;
import dev.outrigger.sidecar.route.RequestView;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request as its HTTP filters see it: the request, its connection, the caller's identity,
 * and what the filters leave behind (response headers to add, decisions for the access log).
 * Used on one event loop only.
 */
public final class FilterContext implements RbacInput, RateLimitInput {

    private final RequestView request;
    private final MutableHeaders requestHeaders;
    private final InetSocketAddress directRemote;
    private final InetAddress remoteIp;
    private final InetSocketAddress local;
    private final String serverName;
    private final String principal;
    private final String destinationCluster;
    private final String sourceCluster;
    private final Map<Object, Object> connectionState;
    private final dev.outrigger.sidecar.route.RouteSelection route;
    private final java.util.concurrent.Executor executor;
    private List<Map.Entry<String, String>> responseHeaders;
    private Map<String, Map<String, String>> metadata;

    /**
     * @param request the request
     * @param requestHeaders its headers, to change before it goes on
     * @param directRemote the connection's peer
     * @param remoteIp the original client ({@link ClientAddress})
     * @param local the address the connection was accepted on
     * @param serverName the TLS SNI, "" without
     * @param principal the caller's SPIFFE ID from mutual TLS, or null
     * @param destinationCluster the cluster the route sends to, or null
     * @param sourceCluster this sidecar's service cluster, "" when unset
     * @param connectionState state filters keep per downstream connection (used on its event loop only)
     * @param route the request's route, or null when none matched
     * @param executor the request's event loop: where a pending decision's continuation runs
     */
    public FilterContext(RequestView request, MutableHeaders requestHeaders, InetSocketAddress directRemote,
            InetAddress remoteIp, InetSocketAddress local, String serverName, String principal,
            String destinationCluster, String sourceCluster, Map<Object, Object> connectionState,
            dev.outrigger.sidecar.route.RouteSelection route, java.util.concurrent.Executor executor) {
        this.executor = executor;
        this.connectionState = connectionState;
        this.route = route;
        this.request = request;
        this.requestHeaders = requestHeaders;
        this.directRemote = directRemote;
        this.remoteIp = remoteIp;
        this.local = local;
        this.serverName = serverName;
        this.principal = principal;
        this.destinationCluster = destinationCluster;
        this.sourceCluster = sourceCluster;
    }

    @Override
    public RequestView request() {
        return request;
    }

    /** The request's event loop: continuations of pending decisions run there. */
    public java.util.concurrent.Executor executor() {
        return executor;
    }

    /** The request's route (its rate-limit rules, say), or null when none matched. */
    public dev.outrigger.sidecar.route.RouteSelection route() {
        return route;
    }

    /** The request's headers, to add or change what goes upstream. */
    public MutableHeaders requestHeaders() {
        return requestHeaders;
    }

    @Override
    public InetSocketAddress directRemote() {
        return directRemote;
    }

    @Override
    public InetAddress remoteIp() {
        return remoteIp;
    }

    @Override
    public InetSocketAddress local() {
        return local;
    }

    @Override
    public String requestedServerName() {
        return serverName;
    }

    @Override
    public String principal() {
        return principal;
    }

    @Override
    public String destinationCluster() {
        return destinationCluster;
    }

    @Override
    public String sourceCluster() {
        return sourceCluster;
    }

    /**
     * What a filter keeps for this request's connection under {@code key} (its own identity, say),
     * made by {@code create} on first use: e.g. rate-limit buckets per downstream connection.
     */
    @SuppressWarnings("unchecked")
    public <T> T perConnection(Object key, java.util.function.Supplier<T> create) {
        return (T) connectionState.computeIfAbsent(key, k -> create.get());
    }

    /** Adds a header to the response, whoever answers (the upstream or Outrigger). */
    public void addResponseHeader(String name, String value) {
        if (responseHeaders == null) {
            responseHeaders = new ArrayList<>(4);
        }
        responseHeaders.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
    }

    /** The headers filters asked to add to the response, in order; empty when none. */
    public List<Map.Entry<String, String>> responseHeaders() {
        return responseHeaders == null ? List.of() : responseHeaders;
    }

    /**
     * Records a decision as Envoy's dynamic metadata, for the access log
     * ({@code %DYNAMIC_METADATA(namespace:key)%}): e.g. namespace {@code envoy.filters.http.rbac},
     * key {@code enforced_effective_policy_id}. A later value for the same key replaces it.
     */
    public void note(String namespace, String key, String value) {
        if (metadata == null) {
            metadata = new LinkedHashMap<>(4);
        }
        metadata.computeIfAbsent(namespace, n -> new LinkedHashMap<>(4)).put(key, value);
    }

    /** The dynamic metadata recorded, by namespace then key, in the order first recorded. */
    public Map<String, Map<String, String>> metadata() {
        return metadata == null ? Map.of() : metadata;
    }
}
