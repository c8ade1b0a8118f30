package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.cluster.EndpointConfig;
import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import dev.outrigger.sidecar.route.AppendAction;
import dev.outrigger.sidecar.route.ClusterWeight;
import dev.outrigger.sidecar.route.ForwardAction;
import dev.outrigger.sidecar.route.HeaderAddition;
import dev.outrigger.sidecar.route.HeaderContext;
import dev.outrigger.sidecar.route.HeaderMutations;
import dev.outrigger.sidecar.route.HeaderRules;
import dev.outrigger.sidecar.route.HeaderTemplate;
import dev.outrigger.sidecar.route.PathMatcher;
import dev.outrigger.sidecar.route.PathRewrite;
import dev.outrigger.sidecar.route.Route;
import dev.outrigger.sidecar.route.RouteMatch;
import dev.outrigger.sidecar.route.RouteSelection;
import dev.outrigger.sidecar.route.RouteTable;
import dev.outrigger.sidecar.route.VirtualHost;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The header work of one proxied exchange, called as {@code HttpExchange} calls it.
 *
 * <p>Upstream request: {@link ProxyHeaders#prepareUpstreamRequest} (hop-by-hop removal,
 * {@code x-forwarded-for} append, {@code x-forwarded-proto}, a generated {@code x-request-id},
 * Host) then {@link RouteSelection#applyRequestHeaders} with one removal and three additions
 * over the three levels (two of them templates). The request has 15 headers, among them
 * {@code x-forwarded-for}, {@code connection: keep-alive} and no {@code x-request-id}.
 *
 * <p>Downstream response: {@link ProxyHeaders#prepareDownstreamResponse} then
 * {@link RouteSelection#applyResponseHeaders} with two removals and three additions, on a
 * 12-header 200 response with a {@code content-length}.
 *
 * <p>Both functions change the message, so each operation first builds a fresh one the way the
 * HTTP/1.1 decoder does (default headers factory, one {@code add} per header). The
 * {@code *Baseline} benchmarks measure that construction alone: subtract them for the cost of
 * the rewriting itself. {@code *RulesOnly} apply only the route's header rules.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class HeaderRewriteBenchmark {

    private static final String[] REQUEST_HEADERS = {
        "host", "catalog.shop.example.com",
        "user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
        "accept", "application/json, text/plain, */*",
        "accept-encoding", "gzip, deflate, br",
        "accept-language", "en-US,en;q=0.9",
        "authorization", "Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZw",
        "cookie", "session=7f3e9a2b1c4d5e6f; theme=dark; consent=1",
        "connection", "keep-alive",
        "x-forwarded-for", "203.0.113.7, 198.51.100.23",
        "x-forwarded-proto", "https",
        "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "tracestate", "vendor=opaque-value",
        "x-tenant", "gold",
        "x-internal-debug", "1",
        "if-none-match", "\"33a64df551425fcc55e4d42a148795d9f25f89d6\"",
    };

    private static final String[] RESPONSE_HEADERS = {
        "content-type", "application/json; charset=utf-8",
        "content-length", "1532",
        "date", "Tue, 14 Jan 2025 10:12:31 GMT",
        "server", "gunicorn",
        "x-powered-by", "Express",
        "etag", "W/\"5fc-1b2c3d4e\"",
        "vary", "Accept-Encoding",
        "cache-control", "private, max-age=0",
        "set-cookie", "session=7f3e9a2b1c4d5e6f; Path=/; HttpOnly; Secure",
        "connection", "keep-alive",
        "keep-alive", "timeout=5",
        "x-request-id", "9b2f4c1e-6d3a-4f7b-8e21-0c5d7a9b3e64",
    };

    private static final String URI = "/api/v1/res-42/items/17?limit=20";

    private ForwardAction action;
    private HttpConnectionManagerConfig hcm;
    private RouteSelection selection;
    private EndpointConfig endpoint;
    private String remoteIp = "10.244.3.17";
    private String remoteAddress = "10.244.3.17:51234";
    private String localAddress = "10.244.1.5:15001";
    private String scheme = "http";

    @Setup
    public void setup() {
        action = new ForwardAction(List.of(new ClusterWeight("catalog", 1)), PathRewrite.NONE, null,
                ForwardAction.DEFAULT_TIMEOUT, ForwardAction.DEFAULT_CLUSTER_NOT_FOUND_STATUS);
        hcm = new HttpConnectionManagerConfig("ingress_http", new RouteTable("bench"),
                HttpConnectionManagerConfig.DEFAULT_IDLE_TIMEOUT,
                HttpConnectionManagerConfig.DEFAULT_MAX_REQUEST_HEADERS_BYTES, true, false, false, false,
                HttpConnectionManagerConfig.DEFAULT_SERVER_NAME, HttpConnectionManagerConfig.Codec.AUTO, List.of());
        HeaderRules routeRules = new HeaderRules(
                new HeaderMutations(List.of(), List.of(add("x-client-address",
                        "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD))),
                new HeaderMutations(List.of(), List.of(add("x-upstream-host",
                        "%UPSTREAM_REMOTE_ADDRESS%", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD))));
        HeaderRules virtualHostRules = new HeaderRules(
                new HeaderMutations(List.of("x-internal-debug"),
                        List.of(add("x-service", "catalog", AppendAction.ADD_IF_ABSENT))),
                new HeaderMutations(List.of("server", "x-powered-by"),
                        List.of(add("cache-control", "no-store", AppendAction.ADD_IF_ABSENT))));
        HeaderRules tableRules = new HeaderRules(
                new HeaderMutations(List.of(), List.of(add("via", "1.1 outrigger (%PROTOCOL%)",
                        AppendAction.APPEND_IF_EXISTS_OR_ADD))),
                new HeaderMutations(List.of(), List.of(add("x-served-by", "outrigger",
                        AppendAction.APPEND_IF_EXISTS_OR_ADD))));
        Route route = new Route("res-42", RouteMatch.path(new PathMatcher.Prefix("/api/v1/res-42/", true)), action,
                routeRules);
        VirtualHost vh = new VirtualHost("catalog", List.of("catalog.shop.example.com"), List.of(route),
                virtualHostRules);
        selection = new RouteSelection(vh, route, tableRules, false);
        endpoint = new EndpointConfig("10.244.7.42", 8080, 1);
        sanityCheck();
    }

    private static HeaderAddition add(String name, String template, AppendAction action) {
        return new HeaderAddition(name, HeaderTemplate.parse(template), action, false);
    }

    private void sanityCheck() {
        HttpRequest request = upstreamRequest();
        var h = request.headers();
        if (h.contains("connection") || h.contains("x-internal-debug") || !h.contains("x-request-id")
                || !"203.0.113.7, 198.51.100.23, 10.244.3.17".equals(h.get("x-forwarded-for"))
                || !"10.244.3.17".equals(h.get("x-client-address")) || !"catalog".equals(h.get("x-service"))
                || !"1.1 outrigger (HTTP/1.1)".equals(h.get("via")) || h.size() != 17) {
            throw new IllegalStateException("unexpected upstream request " + request);
        }
        HttpResponse response = downstreamResponse();
        h = response.headers();
        if (h.contains("connection") || h.contains("keep-alive") || h.contains("server") || h.contains("x-powered-by")
                || !"10.244.7.42:8080".equals(h.get("x-upstream-host"))
                || !"private, max-age=0".equals(h.get("cache-control")) || h.size() != 10) {
            throw new IllegalStateException("unexpected downstream response " + response);
        }
    }

    /** As {@code HttpExchange.headerContext()}: built for each use. */
    private HeaderContext headerContext() {
        return new HeaderContext(remoteAddress, localAddress, "HTTP/1.1", endpoint.hostPort());
    }

    private static HttpRequest newRequest() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, URI,
                DefaultHttpHeadersFactory.headersFactory());
        for (int i = 0; i < REQUEST_HEADERS.length; i += 2) {
            request.headers().add(REQUEST_HEADERS[i], REQUEST_HEADERS[i + 1]);
        }
        return request;
    }

    private static HttpResponse newResponse() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                DefaultHttpHeadersFactory.headersFactory());
        for (int i = 0; i < RESPONSE_HEADERS.length; i += 2) {
            response.headers().add(RESPONSE_HEADERS[i], RESPONSE_HEADERS[i + 1]);
        }
        return response;
    }

    /** Builds the 15-header request only. */
    @Benchmark
    public HttpRequest upstreamRequestBaseline() {
        return newRequest();
    }

    /** Builds the request, then rewrites it as {@code HttpExchange.forward} does. */
    @Benchmark
    public HttpRequest upstreamRequest() {
        HttpRequest request = newRequest();
        ProxyHeaders.prepareUpstreamRequest(request, action, hcm, remoteIp, scheme, endpoint.hostPort());
        selection.applyRequestHeaders(new NettyHeaders(request.headers()), headerContext());
        return request;
    }

    /** Builds the request, then applies the route's request header rules only. */
    @Benchmark
    public HttpRequest upstreamRequestRulesOnly() {
        HttpRequest request = newRequest();
        selection.applyRequestHeaders(new NettyHeaders(request.headers()), headerContext());
        return request;
    }

    /** Builds the 12-header response only. */
    @Benchmark
    public HttpResponse downstreamResponseBaseline() {
        return newResponse();
    }

    /** Builds the response, then rewrites it as {@code HttpExchange.onResponseHead} does. */
    @Benchmark
    public HttpResponse downstreamResponse() {
        HttpResponse response = newResponse();
        ProxyHeaders.prepareDownstreamResponse(response, HttpMethod.GET, false);
        selection.applyResponseHeaders(new NettyHeaders(response.headers()), headerContext());
        return response;
    }

    /** Builds the response, then applies the route's response header rules only. */
    @Benchmark
    public HttpResponse downstreamResponseRulesOnly() {
        HttpResponse response = newResponse();
        selection.applyResponseHeaders(new NettyHeaders(response.headers()), headerContext());
        return response;
    }

    /** The {@code x-request-id} generated for a request without one. */
    @Benchmark
    public String newRequestId() {
        return ProxyHeaders.newRequestId();
    }
}
