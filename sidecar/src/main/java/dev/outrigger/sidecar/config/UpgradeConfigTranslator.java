package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.route.HeaderNames;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Translates {@code upgrade_configs} of a connection manager (which upgrades every route
 * allows) and of a route action (which it allows or forbids regardless of the connection manager).
 */
final class UpgradeConfigTranslator {

    private UpgradeConfigTranslator() {
    }

    /** The upgrade types a connection manager enables, lower case, from its {@code upgrade_configs} at {@code path}. */
    static Set<String> connectionManager(List<HttpConnectionManager.UpgradeConfig> configs, FieldPath path)
            throws ResourceInvalidException {
        Set<String> enabled = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < configs.size(); i++) {
            HttpConnectionManager.UpgradeConfig config = configs.get(i);
            FieldPath at = path.index(i);
            // filters would give the upgraded stream its own HTTP filter chain; Outrigger has one chain.
            FieldCheck.only(config, at, "upgrade_type", "enabled");
            String type = upgradeType(config.getUpgradeType(), at.field("upgrade_type"), seen, i);
            if (!config.hasEnabled() || config.getEnabled().getValue()) {
                enabled.add(type);
            }
        }
        return enabled;
    }

    /** A route's upgrade settings, type (lower case) to enabled, from its {@code upgrade_configs} at {@code path}. */
    static Map<String, Boolean> route(List<RouteAction.UpgradeConfig> configs, FieldPath path)
            throws ResourceInvalidException {
        Map<String, Boolean> upgrades = new LinkedHashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < configs.size(); i++) {
            RouteAction.UpgradeConfig config = configs.get(i);
            FieldPath at = path.index(i);
            // connect_config only applies to CONNECT, which is rejected below.
            FieldCheck.only(config, at, "upgrade_type", "enabled");
            String type = upgradeType(config.getUpgradeType(), at.field("upgrade_type"), seen, i);
            upgrades.put(type, !config.hasEnabled() || config.getEnabled().getValue());
        }
        return upgrades;
    }

    // Envoy compares upgrade types case-insensitively; lower case here lets the data path compare exactly.
    private static String upgradeType(String raw, FieldPath path, Map<String, Integer> seen, int index)
            throws ResourceInvalidException {
        if (raw.isEmpty()) {
            throw path.invalid("required, e.g. websocket");
        }
        if (!isProtocol(raw)) {
            throw path.invalid("\"" + raw + "\" is not a valid Upgrade protocol name");
        }
        String type = raw.toLowerCase(Locale.ROOT);
        if (type.equals("h2c")) {
            throw path.invalid("h2c is not proxied as an upgrade: with codec_type AUTO the connection manager "
                    + "itself switches a client that sends Upgrade: h2c to HTTP/2");
        }
        if (type.equals("connect")) {
            throw path.invalid("CONNECT is not supported yet");
        }
        Integer earlier = seen.putIfAbsent(type, index);
        if (earlier != null) {
            throw path.invalid("upgrade type \"" + type + "\" is configured twice (also upgrade_configs["
                    + earlier + "])");
        }
        return type;
    }

    // RFC 9110's Upgrade protocol: a token, optionally followed by "/" and a version token.
    private static boolean isProtocol(String value) {
        int slash = value.indexOf('/');
        if (slash < 0) {
            return HeaderNames.isToken(value);
        }
        return HeaderNames.isToken(value.substring(0, slash)) && HeaderNames.isToken(value.substring(slash + 1));
    }
}
