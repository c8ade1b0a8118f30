package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.cluster.HealthCheckConfig;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.type.v3.Int64Range;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Translates a cluster's {@code health_checks} (Envoy's {@code HealthCheck}) into
 * {@link HealthCheckConfig}s: HTTP, TCP and gRPC checkers with their thresholds and intervals.
 * Anything else (custom checkers, event logs, TLS options, alternative ports, ...) is refused by name.
 */
final class HealthCheckTranslator {

    private HealthCheckTranslator() {
    }

    /** Translates {@code checks}, found at {@code path} ({@code ...health_checks}). */
    static List<HealthCheckConfig> translate(List<HealthCheck> checks, FieldPath path) throws ResourceInvalidException {
        List<HealthCheckConfig> out = new ArrayList<>(checks.size());
        for (int i = 0; i < checks.size(); i++) {
            out.add(translate(checks.get(i), path.index(i)));
        }
        return out;
    }

    private static HealthCheckConfig translate(HealthCheck hc, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(hc, path, "timeout", "interval", "interval_jitter", "interval_jitter_percent",
                "initial_jitter", "unhealthy_threshold", "healthy_threshold", "no_traffic_interval",
                "unhealthy_interval", "unhealthy_edge_interval", "healthy_edge_interval", "http_health_check",
                "tcp_health_check", "grpc_health_check");
        if (!hc.hasTimeout()) {
            throw path.field("timeout").invalid("required");
        }
        if (!hc.hasInterval()) {
            throw path.field("interval").invalid("required");
        }
        Duration timeout = ConfigValues.positive(hc.getTimeout(), path.field("timeout"));
        Duration interval = ConfigValues.positive(hc.getInterval(), path.field("interval"));
        int unhealthy = threshold(hc.hasUnhealthyThreshold(), hc.getUnhealthyThreshold().getValue(),
                path.field("unhealthy_threshold"));
        int healthy = threshold(hc.hasHealthyThreshold(), hc.getHealthyThreshold().getValue(),
                path.field("healthy_threshold"));
        Duration jitter = hc.hasIntervalJitter()
                ? ConfigValues.nonNegative(hc.getIntervalJitter(), path.field("interval_jitter"))
                : Duration.ZERO;
        Duration initialJitter = hc.hasInitialJitter()
                ? ConfigValues.nonNegative(hc.getInitialJitter(), path.field("initial_jitter"))
                : Duration.ZERO;
        if (hc.hasNoTrafficInterval()) {
            ConfigValues.positive(hc.getNoTrafficInterval(), path.field("no_traffic_interval"));
        }
        Duration unhealthyInterval = optionalInterval(hc.hasUnhealthyInterval(), hc.getUnhealthyInterval(),
                interval, path.field("unhealthy_interval"));
        Duration unhealthyEdge = optionalInterval(hc.hasUnhealthyEdgeInterval(), hc.getUnhealthyEdgeInterval(),
                unhealthyInterval, path.field("unhealthy_edge_interval"));
        Duration healthyEdge = optionalInterval(hc.hasHealthyEdgeInterval(), hc.getHealthyEdgeInterval(),
                interval, path.field("healthy_edge_interval"));
        return new HealthCheckConfig(timeout, interval, jitter, hc.getIntervalJitterPercent(), initialJitter,
                unhealthy, healthy, unhealthyInterval, unhealthyEdge, healthyEdge, probe(hc, path));
    }

    private static int threshold(boolean set, int value, FieldPath path) throws ResourceInvalidException {
        if (!set) {
            throw path.invalid("required");
        }
        if (value < 1) {
            throw path.invalid("must be at least 1");
        }
        return value;
    }

    private static Duration optionalInterval(boolean set, com.google.protobuf.Duration value, Duration otherwise,
            FieldPath path) throws ResourceInvalidException {
        return set ? ConfigValues.positive(value, path) : otherwise;
    }

    private static HealthCheckConfig.Probe probe(HealthCheck hc, FieldPath path) throws ResourceInvalidException {
        if (hc.hasHttpHealthCheck()) {
            return http(hc.getHttpHealthCheck(), path.field("http_health_check"));
        }
        if (hc.hasTcpHealthCheck()) {
            FieldPath at = path.field("tcp_health_check");
            HealthCheck.TcpHealthCheck tcp = hc.getTcpHealthCheck();
            FieldCheck.only(tcp, at, "send", "receive");
            byte[] send = tcp.hasSend() ? payload(tcp.getSend(), at.field("send")) : new byte[0];
            List<byte[]> receive = new ArrayList<>();
            for (int i = 0; i < tcp.getReceiveCount(); i++) {
                receive.add(payload(tcp.getReceive(i), at.field("receive").index(i)));
            }
            return new HealthCheckConfig.Tcp(send, receive);
        }
        if (hc.hasGrpcHealthCheck()) {
            FieldPath at = path.field("grpc_health_check");
            HealthCheck.GrpcHealthCheck grpc = hc.getGrpcHealthCheck();
            FieldCheck.only(grpc, at, "service_name", "authority");
            return new HealthCheckConfig.Grpc(grpc.getServiceName(), grpc.getAuthority());
        }
        throw path.invalid("one of http_health_check, tcp_health_check or grpc_health_check is required");
    }

    private static HealthCheckConfig.Http http(HealthCheck.HttpHealthCheck http, FieldPath at)
            throws ResourceInvalidException {
        FieldCheck.only(http, at, "host", "path", "expected_statuses", "retriable_statuses",
                "request_headers_to_add");
        if (http.getPath().isEmpty()) {
            throw at.field("path").invalid("required");
        }
        if (!http.getPath().startsWith("/")) {
            throw at.field("path").invalid("must start with /");
        }
        List<HealthCheckConfig.StatusRange> expected = http.getExpectedStatusesCount() == 0
                ? HealthCheckConfig.StatusRange.DEFAULT_EXPECTED
                : ranges(http.getExpectedStatusesList(), at.field("expected_statuses"));
        List<HealthCheckConfig.StatusRange> retriable = ranges(http.getRetriableStatusesList(),
                at.field("retriable_statuses"));
        List<String> headers = new ArrayList<>();
        for (int i = 0; i < http.getRequestHeadersToAddCount(); i++) {
            FieldPath hp = at.field("request_headers_to_add").index(i);
            HeaderValueOption option = http.getRequestHeadersToAdd(i);
            FieldCheck.only(option, hp, "header");
            FieldCheck.only(option.getHeader(), hp.field("header"), "key", "value");
            String name = option.getHeader().getKey();
            if (name.isEmpty() || name.startsWith(":") || name.equalsIgnoreCase("host")) {
                throw hp.field("header").field("key").invalid("must be a regular header name, got '" + name + "'");
            }
            headers.add(name);
            headers.add(option.getHeader().getValue());
        }
        return new HealthCheckConfig.Http(http.getHost(), http.getPath(), expected, retriable, headers);
    }

    private static List<HealthCheckConfig.StatusRange> ranges(List<Int64Range> ranges, FieldPath path)
            throws ResourceInvalidException {
        List<HealthCheckConfig.StatusRange> out = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            Int64Range r = ranges.get(i);
            if (r.getStart() < 100 || r.getEnd() > 600 || r.getStart() >= r.getEnd()) {
                throw path.index(i).invalid("must be a range of HTTP statuses within [100, 600) with start < end, got ["
                        + r.getStart() + ", " + r.getEnd() + ")");
            }
            out.add(new HealthCheckConfig.StatusRange((int) r.getStart(), (int) r.getEnd()));
        }
        return out;
    }

    private static byte[] payload(HealthCheck.Payload payload, FieldPath path) throws ResourceInvalidException {
        if (payload.hasBinary()) {
            return payload.getBinary().toByteArray();
        }
        if (!payload.hasText() || payload.getText().isEmpty()) {
            throw path.invalid("text (hex) or binary is required");
        }
        try {
            return HexFormat.of().parseHex(payload.getText());
        } catch (IllegalArgumentException e) {
            throw path.field("text").invalid("must be hex, got '" + payload.getText() + "'");
        }
    }
}
