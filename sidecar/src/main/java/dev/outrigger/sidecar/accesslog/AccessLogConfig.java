package dev.outrigger.sidecar.accesslog;

import java.util.Objects;

/**
 * One access log of a connection manager or TCP proxy, as translated from Envoy's
 * {@code AccessLog}: which entries, in what format, to where. Immutable; turned into a running
 * logger by {@link AccessLogs#build}.
 *
 * @param name the {@code name} given in the config, possibly empty
 * @param filter which entries are written; null writes every entry
 * @param target where lines go
 * @param format how an entry becomes a line
 */
public record AccessLogConfig(String name, AccessLogFilter filter, AccessLogTarget target, LogFormat format) {

    public AccessLogConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(format, "format");
    }
}
