package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.tcp.ByteRelay;
import dev.outrigger.sidecar.upstream.UpstreamConnection;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * HTTP/1.1 {@code Upgrade} (WebSocket and the like): recognising the request, keeping its
 * upgrade headers on the way upstream, and, once the upstream answers {@code 101}, turning both
 * connections into one byte tunnel with backpressure, half-close and an idle timeout.
 */
final class UpgradeTunnel {

    private UpgradeTunnel() {
    }

    /**
     * The upgrade a request asks for (lower case, e.g. {@code websocket}), or null: it needs
     * {@code Connection: upgrade} and an {@code Upgrade} header (RFC 9110 7.8).
     */
    static String requestedUpgrade(HttpRequest request) {
        HttpHeaders h = request.headers();
        String upgrade = h.get(HttpHeaderNames.UPGRADE);
        if (upgrade == null || !h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            return null;
        }
        int comma = upgrade.indexOf(',');
        String first = (comma < 0 ? upgrade : upgrade.substring(0, comma)).trim();
        int slash = first.indexOf('/');
        String type = (slash < 0 ? first : first.substring(0, slash)).toLowerCase(Locale.ROOT);
        // h2c is the HTTP/2 upgrade, handled (or not, with codec_type HTTP1) by the codec: as a
        // route upgrade it is just a request, whose Upgrade header hop-by-hop removal drops.
        return type.equals("h2c") ? null : type;
    }

    /** Puts back the two headers hop-by-hop removal took, so the upstream sees the upgrade request. */
    static void keepUpgradeHeaders(HttpRequest request, String upgradeValue) {
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        request.headers().set(HttpHeaderNames.UPGRADE, upgradeValue);
    }

    /**
     * Answers the client with the upstream's {@code 101}, then makes the two connections one
     * tunnel: the HTTP codecs leave both pipelines (bytes they held go into the tunnel) and a
     * {@link ByteRelay} moves bytes until both sides are done.
     */
    static void open(Http1ServerHandler downstream, UpstreamConnection upstream, HttpResponse switching,
            Duration idleTimeout) {
        downstream.ctx().writeAndFlush(switching);
        downstream.enterTunnel();
        Channel client = downstream.ctx().channel();
        Channel server = upstream.detachForTunnel();
        if (!client.isActive()) {
            server.close();
            return;
        }
        ByteRelay.splice(client, server, idleTimeout, null);
        downstream.removeHttpCodecs();
        upstream.removeHttpCodec();
    }
}
