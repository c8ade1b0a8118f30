package dev.outrigger.xds;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a YAML or JSON document into a Jackson tree in one pass over its tokens, recording
 * the line of every value in a {@link SourceMap} on the way.
 */
final class TreeReader {

    /** The tree of a document and where its values were written. */
    record Document(JsonNode root, SourceMap sourceMap) {
    }

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:field|Object property) [\"']([^\"']*)[\"']");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonParser parser;
    private final Path file;
    private final SourceMap.Builder lines = new SourceMap.Builder();
    // The path of the value being read, so a parser error deep inside still names it.
    private String currentPath = "";

    private TreeReader(JsonParser parser, Path file) {
        this.parser = parser;
        this.file = file;
    }

    /** Reads the single document {@code parser} yields; {@code file} is for messages only. */
    static Document read(JsonParser parser, Path file) throws ConfigFileException {
        return new TreeReader(parser, file).document();
    }

    private Document document() throws ConfigFileException {
        try {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw ConfigFileException.ofFile(file, "the file is empty");
            }
            lines.record("", "", line());
            JsonNode root = value(first, "", "");
            JsonToken extra = parser.nextToken();
            if (extra != null) {
                throw new ConfigFileException(file, line(), 0, "",
                        "a second document starts here; a bootstrap file holds exactly one");
            }
            return new Document(root, lines.build());
        } catch (StreamReadException e) {
            throw syntaxError(e);
        } catch (IOException e) {
            throw ConfigFileException.ofFile(file, "cannot read: " + e.getMessage());
        }
    }

    private JsonNode value(JsonToken token, String rawPath, String snakePath) throws IOException, ConfigFileException {
        currentPath = rawPath;
        checkNotAlias(rawPath);
        switch (token) {
            case START_OBJECT:
                return object(rawPath, snakePath);
            case START_ARRAY:
                return array(rawPath, snakePath);
            case VALUE_STRING:
                return NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                return NODES.numberNode(parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT:
                double d = parser.getDoubleValue();
                // Non-finite values have no decimal form; proto3 JSON spells them as strings.
                if (Double.isNaN(d)) {
                    return NODES.textNode("NaN");
                }
                if (Double.isInfinite(d)) {
                    return NODES.textNode(d > 0 ? "Infinity" : "-Infinity");
                }
                return NODES.numberNode(parser.getDecimalValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new ConfigFileException(file, line(), 0, rawPath,
                        "unsupported value (" + token + "); use plain YAML scalars, mappings and lists");
        }
    }

    private ObjectNode object(String rawPath, String snakePath) throws IOException, ConfigFileException {
        ObjectNode object = NODES.objectNode();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
            // Only FIELD_NAME can follow inside an object; the parser rejects anything else.
            String key = parser.currentName();
            String childRaw = join(rawPath, key);
            String childSnake = join(snakePath, SourceMap.snakeCase(key));
            lines.record(childRaw, childSnake, line());
            currentPath = childRaw;
            object.set(key, value(parser.nextToken(), childRaw, childSnake));
            currentPath = rawPath;
        }
        return object;
    }

    private ArrayNode array(String rawPath, String snakePath) throws IOException, ConfigFileException {
        ArrayNode array = NODES.arrayNode();
        JsonToken token;
        int i = 0;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            String suffix = "[" + i + "]";
            lines.record(rawPath + suffix, snakePath + suffix, line());
            array.add(value(token, rawPath + suffix, snakePath + suffix));
            currentPath = rawPath;
            i++;
        }
        return array;
    }

    // Jackson hands a YAML alias (*name) over as the plain string "name", which would turn a
    // copied mapping into a string without a word; refuse instead.
    private void checkNotAlias(String rawPath) throws ConfigFileException {
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            throw new ConfigFileException(file, line(), 0, rawPath,
                    "YAML aliases (*" + safeText() + ") are not supported; write the value out");
        }
    }

    private String safeText() {
        try {
            return parser.getText();
        } catch (IOException e) {
            return "...";
        }
    }

    private ConfigFileException syntaxError(StreamReadException e) {
        JsonLocation at = e.getLocation();
        int line = at == null ? 0 : at.getLineNr();
        int column = at == null ? 0 : at.getColumnNr();
        String reason = describe(e);
        if (reason.startsWith("duplicate key")) {
            // The column of a duplicate is where the parser noticed, not where the key is.
            return new ConfigFileException(file, line, 0, currentPath, reason);
        }
        return new ConfigFileException(file, line, column, "", reason);
    }

    private static String describe(StreamReadException e) {
        String original = e.getOriginalMessage() == null ? "syntax error" : e.getOriginalMessage();
        Matcher dup = DUPLICATE.matcher(original);
        if (dup.find()) {
            return "duplicate key \"" + dup.group(1) + "\"";
        }
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblem() != null) {
            // snakeyaml's message repeats the position and quotes the source; the line and
            // column are already in front of the message, so keep just what went wrong.
            return yaml.getProblem() + (yaml.getContext() == null ? "" : " (" + yaml.getContext() + ")");
        }
        return original.lines().findFirst().orElse(original);
    }

    private int line() {
        return Math.max(0, parser.currentTokenLocation().getLineNr());
    }

    private static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }
}
