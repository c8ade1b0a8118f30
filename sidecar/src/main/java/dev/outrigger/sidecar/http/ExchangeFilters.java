package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.downstream.PeerCertificate;
import dev.outrigger.sidecar.downstream.ServerName;
import dev.outrigger.sidecar.filter.ClientAddress;
import dev.outrigger.sidecar.filter.FilterContext;
import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.InetSocketAddress;

/** What an exchange gives its HTTP filters, and takes back from them. */
final class ExchangeFilters {

    /** What filters keep per downstream connection. */
    private static final io.netty.util.AttributeKey<java.util.Map<Object, Object>> STATE =
            io.netty.util.AttributeKey.valueOf(ExchangeFilters.class, "filterState");

    private ExchangeFilters() {
    }

    /** The filters' view of a routed request on {@code channel} (a connection, or an HTTP/2 stream of one). */
    static FilterContext context(Channel channel, HttpRequest request, NettyRequestView view,
            HttpConnectionManagerConfig hcm, String destinationCluster, String serviceCluster,
            dev.outrigger.sidecar.route.RouteSelection route) {
        Channel connection = channel instanceof Http2StreamChannel ? channel.parent() : channel;
        InetSocketAddress peer = (InetSocketAddress) connection.remoteAddress();
        InetSocketAddress local = (InetSocketAddress) connection.localAddress();
        PeerCertificate cert = PeerCertificate.of(connection);
        return new FilterContext(view, new NettyHeaders(request.headers()), peer,
                ClientAddress.of(request.headers().getAll(ProxyHeaders.X_FORWARDED_FOR), peer.getAddress(),
                        hcm.useRemoteAddress(), hcm.xffNumTrustedHops()),
                local, ServerName.of(connection), cert == null ? null : cert.uri(), destinationCluster,
                serviceCluster, state(connection), route, channel.eventLoop());
    }

    private static java.util.Map<Object, Object> state(Channel connection) {
        java.util.Map<Object, Object> state = connection.attr(STATE).get();
        if (state == null) {
            // One event loop serves the connection and its HTTP/2 streams: no locking needed.
            state = new java.util.HashMap<>(4);
            connection.attr(STATE).set(state);
        }
        return state;
    }

    /** Adds the response headers the filters asked for, if any. */
    static void addResponseHeaders(FilterContext filtered, HttpHeaders headers) {
        if (filtered == null) {
            return;
        }
        for (var h : filtered.responseHeaders()) {
            headers.add(h.getKey(), h.getValue());
        }
    }
}
