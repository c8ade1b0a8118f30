package dev.outrigger.sidecar.admin;

import dev.outrigger.proto.admin.v1.ClusterStatus;
import dev.outrigger.proto.admin.v1.ClustersStatus;
import dev.outrigger.proto.admin.v1.EndpointStatus;

/** Renders {@code /clusters} in Envoy's line format: {@code cluster::endpoint::stat::value}. */
final class ClustersText {

    private ClustersText() {
    }

    static String render(ClustersStatus status) {
        StringBuilder sb = new StringBuilder();
        for (ClusterStatus c : status.getClustersList()) {
            String name = c.getName();
            line(sb, name, "default_priority", "max_connections_per_endpoint", c.getMaxConnectionsPerEndpoint());
            line(sb, name, "lb_policy", c.getLbPolicy());
            for (EndpointStatus e : c.getEndpointsList()) {
                String ep = name + "::" + hostPort(e);
                line(sb, ep, "cx_active", e.getCxActive());
                line(sb, ep, "cx_total", e.getCxTotal());
                line(sb, ep, "cx_connect_fail", e.getCxConnectFail());
                line(sb, ep, "rq_active", e.getRqActive());
                line(sb, ep, "rq_total", e.getRqTotal());
                line(sb, ep, "rq_error", e.getRqError());
                line(sb, ep, "rq_timeout", e.getRqTimeout());
                line(sb, ep, "weight", e.getWeight());
                line(sb, ep, "health_flags", healthFlags(e));
            }
        }
        return sb.toString();
    }

    private static String hostPort(EndpointStatus e) {
        String a = e.getAddress();
        return (a.indexOf(':') >= 0 ? "[" + a + "]" : a) + ":" + e.getPort();
    }

    private static void line(StringBuilder sb, String prefix, String stat, Object value) {
        sb.append(prefix).append("::").append(stat).append("::").append(value).append('\n');
    }

    private static void line(StringBuilder sb, String a, String b, String stat, Object value) {
        line(sb, a + "::" + b, stat, value);
    }

    // Envoy's flag names: active health checking, outlier detection, then what EDS reported.
    static String healthFlags(EndpointStatus e) {
        String flags = (e.getFailedActiveHealthCheck() ? "/failed_active_hc" : "")
                + (e.getOutlierEjected() ? "/failed_outlier_check" : "");
        String eds = healthFlags(e.getHealthStatus());
        return flags.isEmpty() ? eds : eds.equals("healthy") ? flags : flags + eds;
    }

    // Envoy's flag names for what EDS reported; UNKNOWN counts as healthy, as in Envoy.
    static String healthFlags(String edsStatus) {
        return switch (edsStatus) {
            case "UNHEALTHY", "TIMEOUT" -> "/failed_eds_health";
            case "DRAINING" -> "/eds_status_draining";
            case "DEGRADED" -> "/degraded_eds_health";
            default -> "healthy";
        };
    }
}
