package dev.outrigger.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.util.JsonFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Walks a JSON tree against a message descriptor before protobuf sees it, so that every
 * mistake (unknown field, wrong kind of value, bad enum name, unknown {@code Any} type) is
 * reported with the path of the value. protobuf's own JSON parser stops at the first problem
 * with no path at all.
 *
 * <p>As a by-product it collects the types packed in {@code Any} values, which the protobuf
 * parser needs in its type registry.
 */
final class ShapeChecker {

    private static final String ANY = "google.protobuf.Any";
    private static final String TYPE_KEY = "@type";
    // Types whose JSON form is not an object of their fields (proto3 JSON mapping).
    private static final Set<String> WRAPPERS = Set.of(
            "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
            "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
            "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue");
    private static final Set<String> SPECIAL_JSON = Set.of(
            ANY, "google.protobuf.Duration", "google.protobuf.Timestamp", "google.protobuf.FieldMask",
            "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue");

    private final JsonFormat.TypeRegistry.Builder registry = JsonFormat.TypeRegistry.newBuilder();
    private final Set<String> registered = new HashSet<>();

    private ShapeChecker() {
    }

    /**
     * Checks {@code root} against {@code type}.
     *
     * @return the registry of every type found in an {@code Any}
     * @throws ResourceInvalidException at the first mistake, in document order
     */
    static JsonFormat.TypeRegistry check(JsonNode root, Descriptor type) throws ResourceInvalidException {
        ShapeChecker checker = new ShapeChecker();
        checker.message(root, type, FieldPath.ROOT);
        return checker.registry.build();
    }

    private void message(JsonNode node, Descriptor type, FieldPath path) throws ResourceInvalidException {
        String name = type.getFullName();
        if (WRAPPERS.contains(name)) {
            ScalarShapes.check(node, type.findFieldByName("value"), path);
            return;
        }
        switch (name) {
            case ANY -> any(node, path);
            case "google.protobuf.Duration" -> ScalarShapes.duration(node, path);
            case "google.protobuf.Timestamp" -> ScalarShapes.timestamp(node, path);
            case "google.protobuf.FieldMask" -> expect(node.isTextual(), node, path, "a field mask string");
            case "google.protobuf.Struct" -> expect(node.isObject(), node, path, "an object");
            case "google.protobuf.ListValue" -> expect(node.isArray(), node, path, "a list");
            case "google.protobuf.Value" -> {
                // any JSON value at all
            }
            default -> {
                expect(node.isObject(), node, path, "an object (" + name + ")");
                fields(node, type, path, false);
            }
        }
    }

    private void fields(JsonNode object, Descriptor type, FieldPath path, boolean insideAny)
            throws ResourceInvalidException {
        Map<FieldDescriptor, String> given = new HashMap<>();
        Map<OneofDescriptor, String> chosen = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : object.properties()) {
            String key = entry.getKey();
            if (insideAny && key.equals(TYPE_KEY)) {
                continue;
            }
            FieldPath at = path.field(key);
            FieldDescriptor field = findField(type, key);
            if (field == null) {
                throw at.invalid(unknownField(type, key));
            }
            String earlier = given.put(field, key);
            if (earlier != null) {
                throw at.invalid("the same field as \"" + earlier + "\" given before it (one under its JSON name)");
            }
            JsonNode value = entry.getValue();
            boolean isValue = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    && field.getMessageType().getFullName().equals("google.protobuf.Value");
            if (value.isNull() && !isValue) {
                continue; // proto3 JSON: null means "not set"
            }
            OneofDescriptor oneof = field.getRealContainingOneof();
            if (oneof != null) {
                String other = chosen.put(oneof, key);
                if (other != null) {
                    throw at.invalid("\"" + other + "\" is set too; only one of " + names(oneof) + " may be set");
                }
            }
            field(value, field, at);
        }
    }

    private void field(JsonNode node, FieldDescriptor field, FieldPath path) throws ResourceInvalidException {
        if (field.isMapField()) {
            FieldDescriptor keyField = field.getMessageType().findFieldByNumber(1);
            FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
            expect(node.isObject(), node, path, "an object of key: value entries (map<"
                    + typeName(keyField) + ", " + typeName(valueField) + ">)");
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                FieldPath at = path.key(entry.getKey());
                mapKey(entry.getKey(), keyField, at);
                if (entry.getValue().isNull()) {
                    throw at.invalid("a map value cannot be null");
                }
                value(entry.getValue(), valueField, at);
            }
        } else if (field.isRepeated()) {
            expect(node.isArray(), node, path, "a list (repeated " + typeName(field) + ")");
            for (int i = 0; i < node.size(); i++) {
                if (node.get(i).isNull()) {
                    throw path.index(i).invalid("a list element cannot be null");
                }
                value(node.get(i), field, path.index(i));
            }
        } else {
            value(node, field, path);
        }
    }

    private void value(JsonNode node, FieldDescriptor field, FieldPath path) throws ResourceInvalidException {
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            message(node, field.getMessageType(), path);
        } else {
            ScalarShapes.check(node, field, path);
        }
    }

    private void mapKey(String key, FieldDescriptor keyField, FieldPath path) throws ResourceInvalidException {
        if (keyField.getJavaType() != FieldDescriptor.JavaType.STRING) {
            // Map keys are always JSON strings; check the text as the key type would read it.
            ScalarShapes.check(com.fasterxml.jackson.databind.node.TextNode.valueOf(key), keyField, path);
        }
    }

    private void any(JsonNode node, FieldPath path) throws ResourceInvalidException {
        expect(node.isObject(), node, path, "an object with \"@type\"");
        JsonNode typeNode = node.get(TYPE_KEY);
        if (typeNode == null || typeNode.isNull()) {
            throw path.invalid("\"@type\" is missing; an Any needs one, such as \"@type\": "
                    + "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router");
        }
        if (!typeNode.isTextual()) {
            throw path.field(TYPE_KEY).invalid("expected a type URL string, got " + ScalarShapes.describe(typeNode));
        }
        String url = typeNode.textValue();
        Optional<Descriptor> resolved = EnvoyTypes.forTypeUrl(url);
        if (resolved.isEmpty()) {
            throw path.invalid("unknown type URL \"" + url + "\""
                    + (url.indexOf('/') < 0 ? " (expected type.googleapis.com/<full message name>)" : ""));
        }
        Descriptor type = resolved.get();
        if (registered.add(type.getFullName())) {
            registry.add(type);
        }
        if (SPECIAL_JSON.contains(type.getFullName()) || WRAPPERS.contains(type.getFullName())) {
            // proto3 JSON puts such a value under "value" next to "@type".
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                String key = entry.getKey();
                if (!key.equals(TYPE_KEY) && !key.equals("value")) {
                    throw path.field(key).invalid("no such field in an Any holding " + type.getFullName()
                            + " (only \"@type\" and \"value\")");
                }
            }
            if (node.has("value")) {
                message(node.get("value"), type, path.field("value"));
            }
            return;
        }
        fields(node, type, path, true);
    }

    private static FieldDescriptor findField(Descriptor type, String key) {
        FieldDescriptor byName = type.findFieldByName(key);
        if (byName != null) {
            return byName;
        }
        for (FieldDescriptor f : type.getFields()) {
            if (f.getJsonName().equals(key)) {
                return f;
            }
        }
        return null;
    }

    private static String unknownField(Descriptor type, String key) {
        List<String> names = new ArrayList<>();
        for (FieldDescriptor f : type.getFields()) {
            names.add(f.getName());
        }
        Optional<String> guess = Suggestions.closest(key, names);
        // Answer in the spelling the file uses: lowerCamel keys get the JSON name back.
        boolean camel = !key.equals(key.toLowerCase(java.util.Locale.ROOT));
        return "no such field in " + type.getFullName()
                + guess.map(g -> " (did you mean \"" + (camel ? type.findFieldByName(g).getJsonName() : g) + "\"?)")
                        .orElse("");
    }

    private static String names(OneofDescriptor oneof) {
        List<String> names = new ArrayList<>();
        for (FieldDescriptor f : oneof.getFields()) {
            names.add(f.getName());
        }
        return String.join(", ", names);
    }

    private static String typeName(FieldDescriptor field) {
        return switch (field.getJavaType()) {
            case MESSAGE -> field.getMessageType().getFullName();
            case ENUM -> field.getEnumType().getFullName();
            default -> field.getType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static void expect(boolean ok, JsonNode node, FieldPath path, String expected)
            throws ResourceInvalidException {
        if (!ok) {
            throw path.invalid("expected " + expected + ", got " + ScalarShapes.describe(node));
        }
    }
}
