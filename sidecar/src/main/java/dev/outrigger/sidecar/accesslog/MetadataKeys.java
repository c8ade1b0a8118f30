package dev.outrigger.sidecar.accesslog;

/**
 * The dynamic metadata names Envoy's filters use, so that formats written for Envoy read the
 * same values from Outrigger: {@code %DYNAMIC_METADATA(envoy.filters.http.rbac:shadow_effective_policy_id)%}.
 */
public final class MetadataKeys {

    /** Namespace of the HTTP RBAC filter's values. */
    public static final String RBAC_HTTP = "envoy.filters.http.rbac";
    /** Namespace of the network RBAC filter's values. */
    public static final String RBAC_NETWORK = "envoy.filters.network.rbac";
    /** The enforced policy that matched (allowed or denied the request). */
    public static final String ENFORCED_POLICY = "enforced_effective_policy_id";
    /** {@code allowed} or {@code denied}: what the enforced rules decided. */
    public static final String ENFORCED_RESULT = "enforced_engine_result";
    /** The shadow policy that matched. */
    public static final String SHADOW_POLICY = "shadow_effective_policy_id";
    /** {@code allowed} or {@code denied}: what the shadow rules would have decided. */
    public static final String SHADOW_RESULT = "shadow_engine_result";

    /** Namespace of values Envoy's filters share ({@code envoy.common}). */
    public static final String COMMON = "envoy.common";
    /** {@code true} when an RBAC policy with action LOG matched: the request is worth logging. */
    public static final String ACCESS_LOG_HINT = "access_log_hint";

    private MetadataKeys() {
    }
}
