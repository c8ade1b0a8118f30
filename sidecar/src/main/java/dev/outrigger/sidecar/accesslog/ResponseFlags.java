package dev.outrigger.sidecar.accesslog;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Outrigger's reason codes (the {@code x-outrigger-error} values, which {@code %RESPONSE_FLAGS%}
 * prints) and the Envoy response flags they stand for, for {@code response_flag_filter}. A new
 * reason code on the data path belongs in {@link #REASON_CODES}.
 */
public final class ResponseFlags {

    /** Every reason code the data path sets. */
    public static final Set<String> REASON_CODES = Set.of(
            "internal_error", "filter_failed", "bad_request", "expectation_failed", "uri_too_long",
            "request_headers_too_large", "no_route", "cluster_not_found", "no_healthy_upstream",
            "upstream_connect_failure", "upstream_connect_timeout", "upstream_overflow", "upstream_reset",
            "bad_upstream_response", "upstream_timeout", "upgrade_failed", "grpc_needs_http2",
            "rbac_denied", "local_rate_limited", "global_rate_limited", "rate_limit_service_error");

    /** Envoy's short flags that have an Outrigger equivalent, with the reason codes each covers. */
    private static final Map<String, Set<String>> ENVOY_FLAGS = Map.ofEntries(
            Map.entry("NR", Set.of("no_route")),
            Map.entry("NC", Set.of("cluster_not_found")),
            Map.entry("UH", Set.of("no_healthy_upstream")),
            Map.entry("UF", Set.of("upstream_connect_failure", "upstream_connect_timeout")),
            Map.entry("UO", Set.of("upstream_overflow")),
            Map.entry("UT", Set.of("upstream_timeout")),
            Map.entry("UC", Set.of("upstream_reset")),
            Map.entry("UR", Set.of("upstream_reset")),
            Map.entry("UPE", Set.of("bad_upstream_response")),
            Map.entry("DPE", Set.of("bad_request", "uri_too_long", "request_headers_too_large")),
            Map.entry("RL", Set.of("local_rate_limited", "global_rate_limited")),
            Map.entry("RLSE", Set.of("rate_limit_service_error")));

    private ResponseFlags() {
    }

    /**
     * The reason codes {@code flag} selects: itself when it is a reason code, the codes an Envoy
     * flag ({@code UH}, {@code NR}, ...) stands for, or null when Outrigger never sets it.
     */
    public static Set<String> reasonCodes(String flag) {
        if (REASON_CODES.contains(flag)) {
            return Set.of(flag);
        }
        return ENVOY_FLAGS.get(flag);
    }

    /** The Envoy flags that have an equivalent, sorted, for error messages. */
    public static Set<String> envoyFlags() {
        return new TreeSet<>(ENVOY_FLAGS.keySet());
    }
}
