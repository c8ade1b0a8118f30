package dev.outrigger.sidecar.accesslog;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses Envoy's format strings: text with command operators {@code %NAME%},
 * {@code %NAME(ARG)%} and {@code %NAME(ARG):Z%} (Z a maximum length), and {@code %%} for a
 * percent sign. An operator Outrigger does not know is an error naming it, never printed as is.
 */
final class FormatParser {

    private FormatParser() {
    }

    static Template parse(String source) throws InvalidFormatException {
        List<Segment> segments = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (c != '%') {
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 < n && source.charAt(i + 1) == '%') {
                literal.append('%');
                i += 2;
                continue;
            }
            int j = i + 1;
            while (j < n && isNameChar(source.charAt(j))) {
                j++;
            }
            String name = source.substring(i + 1, j);
            if (name.isEmpty()) {
                throw new InvalidFormatException("a lone '%' at position " + i
                        + " starts no command operator (write %% for a percent sign)");
            }
            String argument = null;
            if (j < n && source.charAt(j) == '(') {
                int close = source.indexOf(')', j);
                if (close < 0) {
                    throw new InvalidFormatException("%" + name + "( at position " + i + " has no closing ')'");
                }
                argument = source.substring(j + 1, close);
                j = close + 1;
            }
            int maxLength = Operator.NO_LIMIT;
            if (j < n && source.charAt(j) == ':') {
                int k = j + 1;
                while (k < n && Character.isDigit(source.charAt(k))) {
                    k++;
                }
                maxLength = maxLength(source.substring(j + 1, k), name);
                j = k;
            }
            if (j >= n || source.charAt(j) != '%') {
                throw new InvalidFormatException("command operator %" + name + " at position " + i
                        + " does not end with '%'");
            }
            if (!literal.isEmpty()) {
                segments.add(new Segment.Literal(literal.toString()));
                literal.setLength(0);
            }
            segments.add(operator(name, argument, maxLength));
            i = j + 1;
        }
        if (!literal.isEmpty()) {
            segments.add(new Segment.Literal(literal.toString()));
        }
        return new Template(source, segments);
    }

    private static boolean isNameChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static int maxLength(String digits, String name) throws InvalidFormatException {
        if (digits.isEmpty()) {
            throw new InvalidFormatException("%" + name + "%: ':' must be followed by a maximum length");
        }
        try {
            int value = Integer.parseInt(digits);
            if (value < 1) {
                throw new InvalidFormatException("%" + name + "%: the maximum length must be at least 1");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidFormatException("%" + name + "%: maximum length " + digits + " is too large");
        }
    }

    /** The operator {@code name}; an unknown one is an error. */
    private static Operator operator(String name, String argument, int maxLength) throws InvalidFormatException {
        switch (name) {
            case "START_TIME":
                return new StartTimeOperator(TimeFormat.compile(argument == null ? TimeFormat.DEFAULT : argument),
                        maxLength);
            case "REQ", "REQUEST_HEADER":
                return HeaderOperator.of(HeaderOperator.Side.REQUEST, name, argument, maxLength);
            case "RESP", "RESPONSE_HEADER":
                return HeaderOperator.of(HeaderOperator.Side.RESPONSE, name, argument, maxLength);
            case "DYNAMIC_METADATA":
                return MetadataOperator.of(argument, maxLength);
            default:
                FieldOperator.Field field = FieldOperator.Field.named(name);
                if (field == null) {
                    throw new InvalidFormatException("unknown command operator %" + name
                            + "%: not one Outrigger supports (docs/observability.md lists them)");
                }
                if (argument != null) {
                    throw new InvalidFormatException("%" + name + "% takes no argument, got (" + argument + ")");
                }
                return new FieldOperator(field, maxLength);
        }
    }
}
