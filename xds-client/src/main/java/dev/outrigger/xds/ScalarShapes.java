package dev.outrigger.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Checks that a scalar JSON value fits a scalar proto field, with the leniency of proto3 JSON
 * (numbers may be quoted) and an error naming what was expected.
 */
final class ScalarShapes {

    private static final BigInteger UINT32_MAX = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private ScalarShapes() {
    }

    /** Checks {@code node} against a non-message field. */
    static void check(JsonNode node, FieldDescriptor field, FieldPath path) throws ResourceInvalidException {
        switch (field.getType()) {
            case INT32, SINT32, SFIXED32 -> integer(node, path, "int32", INT32_MIN, INT32_MAX);
            case UINT32, FIXED32 -> integer(node, path, "uint32", BigInteger.ZERO, UINT32_MAX);
            case INT64, SINT64, SFIXED64 -> integer(node, path, "int64", INT64_MIN, INT64_MAX);
            case UINT64, FIXED64 -> integer(node, path, "uint64", BigInteger.ZERO, UINT64_MAX);
            case FLOAT, DOUBLE -> floating(node, path);
            case BOOL -> bool(node, path);
            case STRING -> string(node, path);
            case BYTES -> bytes(node, path);
            case ENUM -> enumValue(node, field.getEnumType(), path);
            default -> throw new IllegalArgumentException("not a scalar field: " + field.getFullName());
        }
    }

    /** A google.protobuf.Duration in its JSON form, {@code "1.5s"}. */
    static void duration(JsonNode node, FieldPath path) throws ResourceInvalidException {
        if (!node.isTextual()) {
            throw path.invalid("expected a duration such as \"5s\" or \"0.25s\", got " + describe(node));
        }
        try {
            Durations.parse(node.textValue());
        } catch (ParseException e) {
            throw path.invalid("expected a duration such as \"5s\" or \"0.25s\", got " + describe(node));
        }
    }

    /** A google.protobuf.Timestamp in its JSON form (RFC 3339). */
    static void timestamp(JsonNode node, FieldPath path) throws ResourceInvalidException {
        String expected = "expected an RFC 3339 timestamp such as \"2024-05-01T12:00:00Z\", got ";
        if (!node.isTextual()) {
            throw path.invalid(expected + describe(node));
        }
        try {
            Timestamps.parse(node.textValue());
        } catch (ParseException e) {
            throw path.invalid(expected + describe(node));
        }
    }

    /** How a value reads in an error message: quoted text, a number, "an object", "a list". */
    static String describe(JsonNode node) {
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            String text = node.textValue();
            return "\"" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + "\"";
        }
        return node.toString();
    }

    private static void integer(JsonNode node, FieldPath path, String type, BigInteger min, BigInteger max)
            throws ResourceInvalidException {
        BigDecimal value = number(node);
        if (value == null || value.stripTrailingZeros().scale() > 0) {
            throw path.invalid("expected an integer (" + type + "), got " + describe(node));
        }
        // Bound the digits before converting: "1e999999999" must not become a huge BigInteger.
        if (value.precision() - value.scale() > 25
                || value.toBigInteger().compareTo(min) < 0 || value.toBigInteger().compareTo(max) > 0) {
            throw path.invalid(describe(node) + " is out of range for " + type + " (" + min + ".." + max + ")");
        }
    }

    private static void floating(JsonNode node, FieldPath path) throws ResourceInvalidException {
        if (node.isTextual() && List.of("NaN", "Infinity", "-Infinity").contains(node.textValue())) {
            return;
        }
        if (number(node) == null) {
            throw path.invalid("expected a number, got " + describe(node));
        }
    }

    private static void bool(JsonNode node, FieldPath path) throws ResourceInvalidException {
        boolean ok = node.isBoolean()
                || (node.isTextual() && (node.textValue().equals("true") || node.textValue().equals("false")));
        if (!ok) {
            throw path.invalid("expected true or false, got " + describe(node));
        }
    }

    private static void string(JsonNode node, FieldPath path) throws ResourceInvalidException {
        // YAML turns `value: 8080` into a number; proto3 JSON reads any scalar as text, so do we.
        if (!node.isValueNode()) {
            throw path.invalid("expected a string, got " + describe(node));
        }
    }

    private static void bytes(JsonNode node, FieldPath path) throws ResourceInvalidException {
        if (node.isTextual()) {
            String text = node.textValue();
            for (Base64.Decoder decoder : List.of(Base64.getDecoder(), Base64.getUrlDecoder())) {
                try {
                    decoder.decode(text);
                    return;
                } catch (IllegalArgumentException e) {
                    // try the other alphabet: proto3 JSON accepts both
                }
            }
        }
        throw path.invalid("expected base64 text, got " + describe(node));
    }

    private static void enumValue(JsonNode node, EnumDescriptor type, FieldPath path)
            throws ResourceInvalidException {
        if (node.isTextual() && type.findValueByName(node.textValue()) != null) {
            return;
        }
        if (node.isIntegralNumber() && node.canConvertToInt() && type.findValueByNumber(node.intValue()) != null) {
            return;
        }
        List<String> valid = new ArrayList<>();
        for (EnumValueDescriptor v : type.getValues()) {
            if (!v.getOptions().getDeprecated()) {
                valid.add(v.getName());
            }
        }
        Optional<String> guess = node.isTextual() ? Suggestions.closest(node.textValue(), valid) : Optional.empty();
        throw path.invalid(describe(node) + " is not a value of " + type.getFullName()
                + " (valid: " + String.join(", ", valid) + ")"
                + guess.map(g -> "; did you mean \"" + g + "\"?").orElse(""));
    }

    private static BigDecimal number(JsonNode node) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual()) {
            try {
                return new BigDecimal(node.textValue().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
