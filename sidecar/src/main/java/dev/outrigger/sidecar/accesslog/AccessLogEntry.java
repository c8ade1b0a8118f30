package dev.outrigger.sidecar.accesslog;

import com.google.common.net.InetAddresses;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the access log knows of one HTTP request or one TCP connection. The data path fills it
 * as facts become known (start, route, upstream, response, byte counts) and hands it to
 * {@link AccessLogs#log} once, at the end.
 *
 * <p>Not thread-safe, and deliberately mutable: one thread fills it, then calls {@code log},
 * which formats it before returning and keeps no reference, so an entry may be {@link #reset()}
 * and reused (one per HTTP/1.1 connection, say). Strings are taken as given: the data path
 * computes connection-level ones ({@link #hostPort} of the addresses, the peer's SPIFFE ID) once
 * per connection and sets the same strings on every request's entry.
 *
 * <p>An unset value is logged as {@code -} (text) or {@code null} (JSON), as Envoy does.
 */
public final class AccessLogEntry {

    /** What an entry describes. */
    public enum Kind {
        /** One HTTP request and its response (HTTP/1.1 or HTTP/2 stream). */
        HTTP,
        /** One TCP proxy connection: request and response operators log {@code -}. */
        TCP
    }

    /** {@link #protocol} of an HTTP/1.1 request, as Envoy spells it. */
    public static final String HTTP_1_1 = "HTTP/1.1";
    /** {@link #protocol} of an HTTP/2 stream, as Envoy spells it. */
    public static final String HTTP_2 = "HTTP/2";
    /** A start time or duration not set. */
    public static final long UNSET = Long.MIN_VALUE;

    Kind kind = Kind.HTTP;
    long startMillis = UNSET;
    long durationMillis = UNSET;
    String method;
    String path;
    String protocol;
    String authority;
    String userAgent;
    String requestId;
    String forwardedFor;
    HeaderSource requestHeaders;
    HeaderSource responseHeaders;
    int responseCode;
    String responseFlags;
    long bytesReceived;
    long bytesSent;
    String upstreamHost;
    String upstreamCluster;
    String upstreamTransportFailureReason;
    String routeName;
    String listenerName;
    String downstreamRemoteAddress;
    String downstreamDirectRemoteAddress;
    String downstreamLocalAddress;
    String requestedServerName;
    String peerUriSan;
    String traceId;
    Map<String, Map<String, Object>> metadata;

    /** Clears every value, for reuse. */
    public AccessLogEntry reset() {
        kind = Kind.HTTP;
        startMillis = UNSET;
        durationMillis = UNSET;
        method = path = protocol = authority = userAgent = requestId = forwardedFor = null;
        requestHeaders = responseHeaders = null;
        responseCode = 0;
        responseFlags = null;
        bytesReceived = bytesSent = 0;
        upstreamHost = upstreamCluster = upstreamTransportFailureReason = routeName = listenerName = null;
        downstreamRemoteAddress = downstreamDirectRemoteAddress = downstreamLocalAddress = null;
        requestedServerName = peerUriSan = traceId = null;
        metadata = null;
        return this;
    }

    /** An HTTP request (the default) or a TCP connection. */
    public AccessLogEntry kind(Kind value) {
        kind = value;
        return this;
    }

    /** When the request (HTTP) or connection (TCP) started, in epoch milliseconds. */
    public AccessLogEntry startMillis(long value) {
        startMillis = value;
        return this;
    }

    /** From start to the last byte sent downstream (HTTP), or the connection's life (TCP), in ms. */
    public AccessLogEntry durationMillis(long value) {
        durationMillis = value;
        return this;
    }

    /** The request method ({@code %REQ(:METHOD)%}). */
    public AccessLogEntry method(String value) {
        method = value;
        return this;
    }

    /** The request's path as received, query included ({@code %REQ(:PATH)%}), before any rewrite. */
    public AccessLogEntry path(String value) {
        path = value;
        return this;
    }

    /** {@link #HTTP_1_1} or {@link #HTTP_2} ({@code %PROTOCOL%}). */
    public AccessLogEntry protocol(String value) {
        protocol = value;
        return this;
    }

    /** The {@code :authority} or {@code Host} ({@code %REQ(:AUTHORITY)%}). */
    public AccessLogEntry authority(String value) {
        authority = value;
        return this;
    }

    /** The {@code user-agent} header. */
    public AccessLogEntry userAgent(String value) {
        userAgent = value;
        return this;
    }

    /** The {@code x-request-id} the request was forwarded with (received or generated). */
    public AccessLogEntry requestId(String value) {
        requestId = value;
        return this;
    }

    /** The {@code x-forwarded-for} the request was forwarded with. */
    public AccessLogEntry forwardedFor(String value) {
        forwardedFor = value;
        return this;
    }

    /** Every request header, for {@code %REQ(X)%} of headers that have no setter; read while logging. */
    public AccessLogEntry requestHeaders(HeaderSource value) {
        requestHeaders = value;
        return this;
    }

    /** The response headers sent downstream, for {@code %RESP(X)%}; read while logging. */
    public AccessLogEntry responseHeaders(HeaderSource value) {
        responseHeaders = value;
        return this;
    }

    /** The status sent downstream; 0 when no response was started (the client went away). */
    public AccessLogEntry responseCode(int value) {
        responseCode = value;
        return this;
    }

    /**
     * Why Outrigger answered or ended the exchange itself: the {@code x-outrigger-error} code,
     * e.g. {@code rbac_denied}, {@code no_route} ({@code %RESPONSE_FLAGS%}); null when none.
     */
    public AccessLogEntry responseFlags(String value) {
        responseFlags = value;
        return this;
    }

    /** Body bytes received (HTTP) or bytes received from downstream (TCP). */
    public AccessLogEntry bytesReceived(long value) {
        bytesReceived = value;
        return this;
    }

    /** Body bytes sent (HTTP) or bytes sent downstream (TCP). */
    public AccessLogEntry bytesSent(long value) {
        bytesSent = value;
        return this;
    }

    /** The endpoint the request went to, {@code ip:port} ({@code %UPSTREAM_HOST%}). */
    public AccessLogEntry upstreamHost(String value) {
        upstreamHost = value;
        return this;
    }

    /** The cluster the request was routed to ({@code %UPSTREAM_CLUSTER%}). */
    public AccessLogEntry upstreamCluster(String value) {
        upstreamCluster = value;
        return this;
    }

    /** Why the upstream connection failed, e.g. a TLS handshake error. */
    public AccessLogEntry upstreamTransportFailureReason(String value) {
        upstreamTransportFailureReason = value;
        return this;
    }

    /** The name of the route that matched ({@code %ROUTE_NAME%}). */
    public AccessLogEntry routeName(String value) {
        routeName = value;
        return this;
    }

    /** The listener that accepted the connection. */
    public AccessLogEntry listenerName(String value) {
        listenerName = value;
        return this;
    }

    /** The client's address, {@code ip:port}: the one from {@code x-forwarded-for} when trusted. */
    public AccessLogEntry downstreamRemoteAddress(String value) {
        downstreamRemoteAddress = value;
        return this;
    }

    /** The address of the connection's peer, {@code ip:port}, whatever the headers say. */
    public AccessLogEntry downstreamDirectRemoteAddress(String value) {
        downstreamDirectRemoteAddress = value;
        return this;
    }

    /** The address the connection was accepted on, {@code ip:port}. */
    public AccessLogEntry downstreamLocalAddress(String value) {
        downstreamLocalAddress = value;
        return this;
    }

    /** The SNI the client sent. */
    public AccessLogEntry requestedServerName(String value) {
        requestedServerName = value;
        return this;
    }

    /** The URI SAN of the client certificate: the caller's SPIFFE ID. */
    public AccessLogEntry peerUriSan(String value) {
        peerUriSan = value;
        return this;
    }

    /** The trace this request belongs to ({@code %TRACE_ID%}). */
    public AccessLogEntry traceId(String value) {
        traceId = value;
        return this;
    }

    /**
     * Sets a dynamic metadata value: {@code %DYNAMIC_METADATA(namespace:key)%}. A value is a
     * String, Number, Boolean, or a {@code Map<String, ?>} of those (nested keys); a later value
     * for the same key replaces the earlier. See {@link MetadataKeys} for the names Envoy uses.
     */
    public AccessLogEntry metadata(String namespace, String key, Object value) {
        if (metadata == null) {
            metadata = new LinkedHashMap<>(4);
        }
        metadata.computeIfAbsent(namespace, n -> new LinkedHashMap<>(4)).put(key, value);
        return this;
    }

    /** The status sent downstream, 0 for none. */
    public int responseCode() {
        return responseCode;
    }

    /** The reason code, or null. */
    public String responseFlags() {
        return responseFlags;
    }

    /** The duration in milliseconds, or {@link #UNSET}. */
    public long durationMillis() {
        return durationMillis;
    }

    /** HTTP request or TCP connection. */
    public Kind kind() {
        return kind;
    }

    /**
     * An address as the access log prints it: {@code 10.0.0.1:8080}, {@code [2001:db8::1]:8080};
     * for the data path to compute once per connection.
     */
    public static String hostPort(InetSocketAddress address) {
        if (address == null) {
            return null;
        }
        String host = address.isUnresolved() ? address.getHostString()
                : InetAddresses.toAddrString(address.getAddress());
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
    }
}
