package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.listener.ProtocolDetection;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import java.time.Duration;

/**
 * Translates a listener's {@code listener_filters}, which may be Envoy's HTTP and TLS
 * inspectors, and {@code listener_filters_timeout} into a {@link ProtocolDetection}.
 */
final class ListenerFiltersTranslator {

    /** The name Envoy gives the HTTP inspector. */
    static final String HTTP_INSPECTOR = "envoy.filters.listener.http_inspector";
    /** The name Envoy gives the TLS inspector. */
    static final String TLS_INSPECTOR = "envoy.filters.listener.tls_inspector";

    private ListenerFiltersTranslator() {
    }

    /** The protocol detection of {@code listener} at {@code path}, or null when it has no listener filters. */
    static ProtocolDetection translate(Listener listener, FieldPath path) throws ResourceInvalidException {
        if (listener.getListenerFiltersCount() == 0) {
            if (listener.hasListenerFiltersTimeout()) {
                throw path.field("listener_filters_timeout").invalid("has no effect without listener_filters");
            }
            if (listener.getContinueOnListenerFiltersTimeout()) {
                throw path.field("continue_on_listener_filters_timeout").invalid(
                        "has no effect without listener_filters");
            }
            return null;
        }
        FieldPath filters = path.field("listener_filters");
        int http = -1;
        int tls = -1;
        for (int i = 0; i < listener.getListenerFiltersCount(); i++) {
            ListenerFilter filter = listener.getListenerFilters(i);
            FieldPath at = filters.index(i);
            FieldCheck.only(filter, at, "name", "typed_config");
            if (filter.getName().isEmpty()) {
                throw at.field("name").invalid("required, e.g. " + HTTP_INSPECTOR);
            }
            String kind = kind(filter);
            int earlier = kind.equals(HTTP_INSPECTOR) ? http : kind.equals(TLS_INSPECTOR) ? tls : -1;
            if (earlier >= 0) {
                throw at.invalid(kind + " is listed twice (also listener_filters[" + earlier + "])");
            }
            if (kind.equals(HTTP_INSPECTOR)) {
                if (filter.hasTypedConfig()) {
                    FieldCheck.only(ConfigValues.unpack(filter.getTypedConfig(), HttpInspector.class,
                            at.field("typed_config")), at.field("typed_config"));
                }
                http = i;
            } else if (kind.equals(TLS_INSPECTOR)) {
                // JA3 fingerprints and the read buffer size have no use in Outrigger: rejected, not ignored.
                if (filter.hasTypedConfig()) {
                    FieldCheck.only(ConfigValues.unpack(filter.getTypedConfig(), TlsInspector.class,
                            at.field("typed_config")), at.field("typed_config"));
                }
                tls = i;
            } else {
                throw at.invalid(kind + " is not supported (only " + HTTP_INSPECTOR + " and " + TLS_INSPECTOR + ")");
            }
        }
        // Envoy's default is 15s; a client of a server-speaks-first protocol waits that long for
        // its first byte, so Outrigger waits only briefly unless told otherwise. 0s waits forever.
        Duration timeout = listener.hasListenerFiltersTimeout()
                ? ConfigValues.nonNegative(listener.getListenerFiltersTimeout(), path.field("listener_filters_timeout"))
                : ProtocolDetection.DEFAULT_TIMEOUT;
        // continue_on_listener_filters_timeout is accepted either way: Outrigger always continues
        // after the timeout, and false cannot be told from unset.
        return new ProtocolDetection(http >= 0, tls >= 0, timeout);
    }

    // As in Envoy, the type of typed_config selects the filter; the name decides only without one.
    // The result is one of the two inspector names, or a description of the unsupported filter.
    private static String kind(ListenerFilter filter) {
        if (!filter.hasTypedConfig()) {
            return filter.getName();
        }
        String type = ConfigValues.typeName(filter.getTypedConfig());
        if (type.equals(HttpInspector.getDescriptor().getFullName())) {
            return HTTP_INSPECTOR;
        }
        if (type.equals(TlsInspector.getDescriptor().getFullName())) {
            return TLS_INSPECTOR;
        }
        return filter.getName() + " (" + type + ")";
    }
}
