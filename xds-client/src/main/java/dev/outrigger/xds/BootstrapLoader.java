package dev.outrigger.xds;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads an Envoy v3 bootstrap from a YAML or JSON file, with errors that name the file, the
 * line and the field path ({@code FILE:LINE: PATH: REASON}).
 *
 * <p>Steps: read the text; parse it into a tree while recording the line of every value;
 * check the tree's shape against the {@code Bootstrap} descriptor (unknown fields, wrong value
 * kinds, unknown {@code Any} types); only then let protobuf's JSON parser build the message.
 */
public final class BootstrapLoader {

    /** Larger files are refused rather than read into memory; real bootstraps are kilobytes. */
    static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper JSON_WRITER = new ObjectMapper();

    private BootstrapLoader() {
    }

    /** Reads and parses {@code file}: YAML for .yaml/.yml, JSON for .json, otherwise by its first character. */
    public static LoadedBootstrap load(Path file) throws ConfigFileException {
        return parse(file, read(file));
    }

    /**
     * Parses {@code text} as the content of {@code file} (which is used for the format and in
     * messages, not read).
     */
    public static LoadedBootstrap parse(Path file, String text) throws ConfigFileException {
        // A byte-order mark is legal in both formats' files but not in their grammars.
        String content = text.startsWith("\uFEFF") ? text.substring(1) : text;
        TreeReader.Document document;
        try (JsonParser parser = (isJson(file, content) ? JSON : YAML).createParser(content)) {
            document = TreeReader.read(parser, file);
        } catch (IOException e) {
            throw ConfigFileException.ofFile(file, "cannot parse: " + e.getMessage());
        }
        JsonFormat.TypeRegistry registry;
        try {
            registry = ShapeChecker.check(document.root(), Bootstrap.getDescriptor());
        } catch (ResourceInvalidException e) {
            throw LoadedBootstrap.locate(file, document.sourceMap(), e);
        }
        Bootstrap.Builder bootstrap = Bootstrap.newBuilder();
        try {
            String json = JSON_WRITER.writeValueAsString(document.root());
            JsonFormat.parser().usingTypeRegistry(registry).merge(json, bootstrap);
        } catch (JsonProcessingException e) {
            throw ConfigFileException.ofFile(file, "cannot re-encode the document: " + e.getOriginalMessage());
        } catch (InvalidProtocolBufferException e) {
            // The shape check catches what it can name; whatever protobuf still refuses has no path.
            throw ConfigFileException.ofFile(file, e.getMessage());
        }
        return new LoadedBootstrap(file, bootstrap.build(), document.sourceMap());
    }

    private static String read(Path file) throws ConfigFileException {
        try {
            if (Files.isDirectory(file)) {
                throw ConfigFileException.ofFile(file, "is a directory, not a bootstrap file");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw ConfigFileException.ofFile(file, "is larger than " + MAX_FILE_BYTES / (1024 * 1024)
                        + " MiB; that is not a bootstrap file");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw ConfigFileException.ofFile(file, "no such file");
        } catch (AccessDeniedException e) {
            throw ConfigFileException.ofFile(file, "permission denied");
        } catch (MalformedInputException e) {
            throw ConfigFileException.ofFile(file, "is not UTF-8 text");
        } catch (IOException e) {
            throw ConfigFileException.ofFile(file, "cannot read: " + e.getMessage());
        }
    }

    private static boolean isJson(Path file, String content) {
        Path name = file.getFileName();
        String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            return false;
        }
        if (lower.endsWith(".json")) {
            return true;
        }
        return content.stripLeading().startsWith("{");
    }
}
