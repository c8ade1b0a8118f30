package dev.outrigger.xds;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A bootstrap file that parsed: the message and where each of its values was written, so an
 * error found later (by a translator, naming a {@link FieldPath}) can still point at a line.
 *
 * @param file the file it was read from
 * @param bootstrap the parsed message
 * @param sourceMap line of each value in {@code file}
 */
public record LoadedBootstrap(Path file, Bootstrap bootstrap, SourceMap sourceMap) {

    public LoadedBootstrap {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(sourceMap, "sourceMap");
    }

    /** Turns an error about a value of {@link #bootstrap()} into one naming this file and the value's line. */
    public ConfigFileException errorAt(ResourceInvalidException e) {
        return locate(file, sourceMap, e);
    }

    static ConfigFileException locate(Path file, SourceMap sourceMap, ResourceInvalidException e) {
        int line = sourceMap.line(e.path()).orElse(0);
        return new ConfigFileException(file, line, 0, e.path().isRoot() ? "" : e.path().toString(), e.reason());
    }
}
