package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.xds.BootstrapLoader;
import dev.outrigger.xds.ConfigFileException;
import dev.outrigger.xds.LoadedBootstrap;
import dev.outrigger.xds.ResourceInvalidException;
import java.nio.file.Path;

/**
 * Reads a bootstrap file and translates it, reporting any problem as one line with the file and
 * line ({@code FILE:LINE: PATH: REASON}); what the CLI's {@code run} and {@code validate} call.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** Loads and translates the bootstrap in {@code file}. */
    public static BootstrapConfig load(Path file) throws ConfigFileException {
        return load(file, NodeOverrides.NONE);
    }

    /** Loads the bootstrap in {@code file}, replaces its node's id and cluster as asked, and translates it. */
    public static BootstrapConfig load(Path file, NodeOverrides overrides) throws ConfigFileException {
        LoadedBootstrap loaded = BootstrapLoader.load(file);
        try {
            return BootstrapTranslator.translate(overrides.apply(loaded.bootstrap()));
        } catch (ResourceInvalidException e) {
            throw loaded.errorAt(e);
        }
    }
}
