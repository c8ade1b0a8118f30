package dev.outrigger.sidecar.route;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A header value with Envoy-style {@code %VARIABLE%} substitutions, parsed once at config time.
 *
 * @param source the configured text
 * @param parts literal text and variables, in order
 */
public record HeaderTemplate(String source, List<Part> parts) {

    /** One piece of a template. */
    public sealed interface Part permits Literal, Substitution {
    }

    /** Text copied as is. */
    public record Literal(String text) implements Part {
        public Literal {
            Objects.requireNonNull(text, "text");
        }
    }

    /** A value of the request's {@link HeaderContext}. */
    public record Substitution(Variable variable) implements Part {
        public Substitution {
            Objects.requireNonNull(variable, "variable");
        }
    }

    /** The variables Outrigger supports; any other {@code %NAME%} is a configuration error. */
    public enum Variable {
        DOWNSTREAM_REMOTE_ADDRESS,
        DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT,
        DOWNSTREAM_LOCAL_ADDRESS,
        DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT,
        PROTOCOL,
        UPSTREAM_REMOTE_ADDRESS,
        /** This machine's host name; fixed for the process, so it is folded into the text at parse time. */
        HOSTNAME;

        /** The value for one request; "" when the context does not know it. */
        String valueIn(HeaderContext ctx) {
            String v = switch (this) {
                case DOWNSTREAM_REMOTE_ADDRESS -> ctx.downstreamRemoteAddress();
                case DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT -> withoutPort(ctx.downstreamRemoteAddress());
                case DOWNSTREAM_LOCAL_ADDRESS -> ctx.downstreamLocalAddress();
                case DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT -> withoutPort(ctx.downstreamLocalAddress());
                case PROTOCOL -> ctx.protocol();
                case UPSTREAM_REMOTE_ADDRESS -> ctx.upstreamRemoteAddress();
                case HOSTNAME -> LocalHostName.VALUE;
            };
            return v == null ? "" : v;
        }

        private static String withoutPort(String address) {
            return address == null ? null : HostPort.addressWithoutPort(address);
        }
    }

    public HeaderTemplate {
        Objects.requireNonNull(source, "source");
        parts = List.copyOf(parts);
    }

    /** A template without variables: {@code text} is used as is, '%' included. */
    public static HeaderTemplate literal(String text) {
        return new HeaderTemplate(text, text.isEmpty() ? List.of() : List.of(new Literal(text)));
    }

    /**
     * Parses {@code text}: {@code %NAME%} is a variable, {@code %%} a literal '%'.
     *
     * @throws IllegalArgumentException naming the unsupported or malformed variable
     */
    public static HeaderTemplate parse(String text) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '%') {
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 < text.length() && text.charAt(i + 1) == '%') {
                literal.append('%');
                i += 2;
                continue;
            }
            int end = commandEnd(text, i);
            String command = text.substring(i, end + 1);
            Variable variable = variable(command.substring(1, command.length() - 1));
            if (variable == null) {
                throw new IllegalArgumentException("unsupported variable " + command + " (supported: "
                        + supportedList() + ", and %% for a literal %)");
            }
            if (variable == Variable.HOSTNAME) {
                literal.append(LocalHostName.VALUE);
            } else {
                if (literal.length() > 0) {
                    parts.add(new Literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(new Substitution(variable));
            }
            i = end + 1;
        }
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString()));
        }
        return new HeaderTemplate(text, parts);
    }

    /** The value for one request. */
    public String render(HeaderContext ctx) {
        if (parts.isEmpty()) {
            return "";
        }
        if (parts.size() == 1 && parts.get(0) instanceof Literal l) {
            return l.text();
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            if (p instanceof Literal l) {
                sb.append(l.text());
            } else {
                sb.append(((Substitution) p).variable().valueIn(ctx));
            }
        }
        return sb.toString();
    }

    /**
     * The index of the '%' closing the command that starts at {@code start}. Envoy's grammar:
     * {@code %NAME%}, {@code %NAME(args)%}, {@code %NAME:len%}, NAME of [A-Z0-9_]; the argument
     * forms are read only so that the error names the whole variable.
     */
    private static int commandEnd(String text, int start) {
        int j = start + 1;
        while (j < text.length() && isNameChar(text.charAt(j))) {
            j++;
        }
        if (j == start + 1) {
            throw new IllegalArgumentException("'%' at offset " + start
                    + " does not start a variable (write %% for a literal %)");
        }
        if (j < text.length() && text.charAt(j) == '(') {
            int close = text.indexOf(')', j);
            j = close < 0 ? text.length() : close + 1;
        }
        if (j < text.length() && text.charAt(j) == ':') {
            j++;
            while (j < text.length() && text.charAt(j) >= '0' && text.charAt(j) <= '9') {
                j++;
            }
        }
        if (j >= text.length() || text.charAt(j) != '%') {
            throw new IllegalArgumentException("variable " + text.substring(start, Math.min(j, text.length()))
                    + " at offset " + start + " is not closed by '%' (write %% for a literal %)");
        }
        return j;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static Variable variable(String name) {
        for (Variable v : Variable.values()) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        return null;
    }

    private static String supportedList() {
        StringBuilder sb = new StringBuilder();
        for (Variable v : Variable.values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append('%').append(v.name()).append('%');
        }
        return sb.toString();
    }

    /** Looked up once, lazily: the JDK resolves the name, which can be slow on a misconfigured host. */
    private static final class LocalHostName {
        static final String VALUE = lookup();

        private static String lookup() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                String env = System.getenv("HOSTNAME");
                return env != null && !env.isEmpty() ? env : "localhost";
            }
        }
    }

    /** This process's host name, as {@code %HOSTNAME%} renders it. */
    static String localHostName() {
        return LocalHostName.VALUE;
    }
}
