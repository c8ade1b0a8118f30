package dev.outrigger.sidecar.config;

import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import java.time.Duration;

/**
 * Checks Envoy's {@code ConfigSource} where a resource refers to another one (RDS in a connection
 * manager, EDS in a cluster, LDS and CDS in the bootstrap): Outrigger receives every dynamic
 * resource over its one ADS stream, so the source must say {@code ads} (or {@code self}, which
 * under ADS is the same stream).
 */
final class ConfigSourceTranslator {

    private ConfigSourceTranslator() {
    }

    /** Throws unless {@code source} points at the ADS stream; {@code initial_fetch_timeout} is refused here. */
    static void requireAds(ConfigSource source, FieldPath path) throws ResourceInvalidException {
        check(source, path, false);
    }

    /**
     * Like {@link #requireAds}, but also accepts {@code initial_fetch_timeout} and returns it (null
     * when unset): used for the bootstrap's {@code lds_config} and {@code cds_config}.
     */
    static Duration adsWithTimeout(ConfigSource source, FieldPath path) throws ResourceInvalidException {
        check(source, path, true);
        return source.hasInitialFetchTimeout()
                ? ConfigValues.nonNegative(source.getInitialFetchTimeout(), path.field("initial_fetch_timeout"))
                : null;
    }

    private static void check(ConfigSource source, FieldPath path, boolean timeoutAllowed)
            throws ResourceInvalidException {
        if (source.hasInitialFetchTimeout() && !timeoutAllowed) {
            throw path.field("initial_fetch_timeout").invalid("Outrigger uses one initial fetch timeout for every "
                    + "resource type: set it on dynamic_resources.lds_config or cds_config");
        }
        if (source.hasPath() || source.hasPathConfigSource() || source.hasApiConfigSource()) {
            String field = source.hasApiConfigSource() ? "api_config_source" : source.hasPath() ? "path"
                    : "path_config_source";
            throw path.field(field).invalid("only ads is supported: every dynamic resource comes over the ADS stream "
                    + "of dynamic_resources.ads_config");
        }
        FieldCheck.only(source, path, "ads", "self", "resource_api_version", "initial_fetch_timeout");
        if (!source.hasAds() && !source.hasSelf()) {
            throw path.invalid("required: ads: {} (every dynamic resource comes over the ADS stream)");
        }
        ApiVersion version = source.getResourceApiVersion();
        if (version != ApiVersion.V3 && version != ApiVersion.AUTO) {
            throw path.field("resource_api_version").invalid(
                    ClusterTranslator.enumName(version, source.getResourceApiVersionValue()) + " is not supported (V3)");
        }
    }
}
