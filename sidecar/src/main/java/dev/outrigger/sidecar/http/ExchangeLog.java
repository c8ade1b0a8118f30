package dev.outrigger.sidecar.http;

import com.google.common.net.InetAddresses;
import dev.outrigger.sidecar.accesslog.AccessLogEntry;
import dev.outrigger.sidecar.accesslog.AccessLogs;
import dev.outrigger.sidecar.downstream.ConnectionLogFields;
import dev.outrigger.sidecar.filter.FilterContext;
import dev.outrigger.sidecar.route.RouteSelection;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The access log side of one exchange, made only when its connection manager has access logs:
 * what must be taken when the request arrives (start time, method, path and authority as
 * received), what accumulates (body bytes, the response's headers, the upstream), and, when the
 * exchange ends, one {@link AccessLogEntry} handed to the {@link AccessLogs}. Runs on the
 * exchange's event loop.
 */
final class ExchangeLog {

    /** One entry per event loop, reset for each request: {@link AccessLogs#log} keeps no reference. */
    private static final FastThreadLocal<AccessLogEntry> ENTRY = new FastThreadLocal<>() {
        @Override
        protected AccessLogEntry initialValue() {
            return new AccessLogEntry();
        }
    };

    private final AccessLogs logs;
    private final Downstream conn;
    private final HttpRequest request;
    private final RequestAdmission admission;
    private final String protocol;
    private final long startMillis = System.currentTimeMillis();
    private final String method;
    private final String path;
    private final String authority;
    private long bytesReceived;
    private long bytesSent;
    private HttpHeaders responseHeaders;
    private String upstreamCluster;
    private String upstreamHost;

    private ExchangeLog(AccessLogs logs, Downstream conn, HttpRequest request, RequestAdmission admission,
            boolean http10) {
        this.logs = logs;
        this.conn = conn;
        this.request = request;
        this.admission = admission;
        this.protocol = conn.isHttp2() ? AccessLogEntry.HTTP_2 : http10 ? "HTTP/1.0" : AccessLogEntry.HTTP_1_1;
        // As received: routes may rewrite the path and the host before the request goes upstream.
        this.method = request.method().name();
        this.path = request.uri();
        this.authority = request.headers().get(HttpHeaderNames.HOST);
        if (request instanceof io.netty.handler.codec.http.HttpContent full) {
            bytesReceived = full.content().readableBytes();
        }
    }

    /** The log of a request on {@code conn}, or null when its connection manager has no access log. */
    static ExchangeLog of(Downstream conn, HttpRequest request, RequestAdmission admission, boolean http10) {
        AccessLogs logs = conn.listener().accessLogs(conn.hcm());
        return logs.isEmpty() ? null : new ExchangeLog(logs, conn, request, admission, http10);
    }

    void requestBody(int bytes) {
        bytesReceived += bytes;
    }

    void responseBody(int bytes) {
        bytesSent += bytes;
    }

    /** The headers of the response sent downstream (the upstream's, or a local reply's). */
    void responseHeaders(HttpHeaders headers) {
        responseHeaders = headers;
    }

    void routedTo(String cluster, String hostPort) {
        upstreamCluster = cluster;
        upstreamHost = hostPort;
    }

    /** The exchange ended with {@code status} (0: none sent) and {@code reason} (or null): writes its entry. */
    void write(int status, String reason, long durationNanos) {
        HttpHeaders headers = request.headers();
        AccessLogEntry e = ENTRY.get().reset()
                .startMillis(startMillis)
                .durationMillis(durationNanos / 1_000_000)
                .method(method)
                .path(path)
                .protocol(protocol)
                .authority(authority)
                .userAgent(headers.get(HttpHeaderNames.USER_AGENT))
                .requestId(headers.get(ProxyHeaders.X_REQUEST_ID))
                .forwardedFor(headers.get(ProxyHeaders.X_FORWARDED_FOR))
                .requestHeaders(headers::get)
                .responseCode(status)
                .responseFlags(reason)
                .bytesReceived(bytesReceived)
                .bytesSent(bytesSent)
                .upstreamCluster(upstreamCluster)
                .upstreamHost(upstreamHost)
                .listenerName(conn.listener().config().name())
                .downstreamDirectRemoteAddress(conn.remoteAddress())
                .downstreamLocalAddress(conn.localAddress());
        if (responseHeaders != null) {
            e.responseHeaders(responseHeaders::get);
        }
        RouteSelection selection = admission.selection();
        if (selection != null && !selection.route().name().isEmpty()) {
            e.routeName(selection.route().name());
        }
        ConnectionLogFields.fill(e, conn.ctx().channel());
        FilterContext filtered = admission.filtered();
        e.downstreamRemoteAddress(filtered == null ? conn.remoteAddress() : client(filtered));
        if (filtered != null) {
            for (Map.Entry<String, Map<String, String>> ns : filtered.metadata().entrySet()) {
                for (Map.Entry<String, String> kv : ns.getValue().entrySet()) {
                    e.metadata(ns.getKey(), kv.getKey(), kv.getValue());
                }
            }
        }
        logs.log(e);
        // Nothing of this request may outlive the call.
        e.reset();
    }

    /** The original client the filters saw: the peer itself, or an {@code x-forwarded-for} address (port 0, as Envoy). */
    private String client(FilterContext filtered) {
        InetAddress ip = filtered.remoteIp();
        InetSocketAddress peer = filtered.directRemote();
        if (ip == null || peer == null || ip.equals(peer.getAddress())) {
            return conn.remoteAddress();
        }
        String host = InetAddresses.toAddrString(ip);
        return host.indexOf(':') >= 0 ? "[" + host + "]:0" : host + ":0";
    }
}
