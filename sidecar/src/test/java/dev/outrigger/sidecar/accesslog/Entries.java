package dev.outrigger.sidecar.accesslog;

import java.time.Instant;
import java.util.Map;

/** Entries for the format tests: one with every value set, one with none. */
final class Entries {

    /** Envoy's documented example request: 2016-04-15T20:17:00.310Z. */
    static final long START = Instant.parse("2016-04-15T20:17:00.310Z").toEpochMilli();

    private Entries() {
    }

    static AccessLogEntry full() {
        Map<String, String> request = Map.of("x-custom", "abcdefghij", "x-envoy-original-path", "/original",
                "content-type", "application/json");
        Map<String, String> response = Map.of("x-envoy-upstream-service-time", "100", "content-type", "text/plain");
        return new AccessLogEntry()
                .startMillis(START)
                .durationMillis(226)
                .method("POST")
                .path("/api/v1/locations?x=1")
                .protocol(AccessLogEntry.HTTP_2)
                .authority("locations")
                .userAgent("nsq2http")
                .requestId("cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2")
                .forwardedFor("10.0.35.28")
                .requestHeaders(request::get)
                .responseHeaders(response::get)
                .responseCode(204)
                .responseFlags("upstream_reset")
                .bytesReceived(154)
                .bytesSent(0)
                .upstreamHost("10.0.2.1:80")
                .upstreamCluster("locations")
                .upstreamTransportFailureReason("TLS handshake failed")
                .routeName("default_route")
                .listenerName("inbound")
                .downstreamRemoteAddress("10.0.35.28:51000")
                .downstreamDirectRemoteAddress("10.1.1.1:40000")
                .downstreamLocalAddress("[2001:db8::1]:15006")
                .requestedServerName("locations.mesh.local")
                .peerUriSan("spiffe://mesh.local/ns/default/sa/nsq")
                .traceId("4bf92f3577b34da6a3ce929d0e0e4736")
                .metadata("envoy.filters.http.rbac", "enforced_effective_policy_id", "allow-nsq")
                .metadata("envoy.filters.http.rbac", "shadow_engine_result", "denied");
    }

    static AccessLogEntry empty() {
        return new AccessLogEntry();
    }

    static String text(String format, AccessLogEntry entry) throws InvalidFormatException {
        StringBuilder out = new StringBuilder();
        TextFormat.of(Template.parse(format), false).format(entry, out);
        return out.toString();
    }
}
