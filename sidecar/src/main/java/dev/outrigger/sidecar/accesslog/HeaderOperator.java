package dev.outrigger.sidecar.accesslog;

import java.util.Locale;

/**
 * {@code %REQ(X?Y):Z%} and {@code %RESP(X?Y):Z%}: header X, else header Y, cut to Z characters.
 * Request headers the entry has a field for ({@code :method}, {@code :path},
 * {@code :authority}/{@code host}, {@code user-agent}, {@code x-request-id},
 * {@code x-forwarded-for}) come from that field; the rest from {@link AccessLogEntry#requestHeaders}.
 */
final class HeaderOperator extends Operator {

    /** Which message's headers. */
    enum Side {
        REQUEST, RESPONSE
    }

    /** Request headers the entry holds itself: resolved once here, not per request. */
    private enum Known {
        NONE, METHOD, PATH, AUTHORITY, USER_AGENT, REQUEST_ID, FORWARDED_FOR;

        static Known of(Side side, String name) {
            if (side == Side.RESPONSE) {
                return NONE;
            }
            return switch (name) {
                case ":method" -> METHOD;
                case ":path" -> PATH;
                case ":authority", "host" -> AUTHORITY;
                case "user-agent" -> USER_AGENT;
                case "x-request-id" -> REQUEST_ID;
                case "x-forwarded-for" -> FORWARDED_FOR;
                default -> NONE;
            };
        }
    }

    private final Side side;
    private final String main;
    private final Known mainKnown;
    private final String alternative;
    private final Known alternativeKnown;

    private HeaderOperator(Side side, String main, String alternative, int maxLength) {
        super(maxLength);
        this.side = side;
        this.main = main;
        this.mainKnown = Known.of(side, main);
        this.alternative = alternative;
        this.alternativeKnown = alternative == null ? Known.NONE : Known.of(side, alternative);
    }

    /** Compiles the argument {@code X} or {@code X?Y} of the operator {@code operator}. */
    static HeaderOperator of(Side side, String operator, String argument, int maxLength)
            throws InvalidFormatException {
        if (argument == null || argument.isEmpty()) {
            throw new InvalidFormatException("%" + operator + "% needs a header name, e.g. %" + operator
                    + "(x-request-id)%");
        }
        int q = argument.indexOf('?');
        if (q >= 0 && argument.indexOf('?', q + 1) >= 0) {
            throw new InvalidFormatException("%" + operator + "(" + argument
                    + ")% has more than one '?': give one header and at most one alternative");
        }
        String main = (q < 0 ? argument : argument.substring(0, q)).trim().toLowerCase(Locale.ROOT);
        String alternative = q < 0 ? null : argument.substring(q + 1).trim().toLowerCase(Locale.ROOT);
        if (main.isEmpty() || (alternative != null && alternative.isEmpty())) {
            throw new InvalidFormatException("%" + operator + "(" + argument + ")% has an empty header name");
        }
        return new HeaderOperator(side, main, alternative, maxLength);
    }

    @Override
    boolean append(AccessLogEntry e, StringBuilder out) {
        if (e.kind == AccessLogEntry.Kind.TCP) {
            return false;
        }
        String value = value(e, main, mainKnown);
        if ((value == null || value.isEmpty()) && alternative != null) {
            value = value(e, alternative, alternativeKnown);
        }
        if (value == null) {
            return false;
        }
        out.append(value);
        return true;
    }

    private String value(AccessLogEntry e, String name, Known known) {
        String value = switch (known) {
            case METHOD -> e.method;
            case PATH -> e.path;
            case AUTHORITY -> e.authority;
            case USER_AGENT -> e.userAgent;
            case REQUEST_ID -> e.requestId;
            case FORWARDED_FOR -> e.forwardedFor;
            case NONE -> null;
        };
        if (value != null) {
            return value;
        }
        HeaderSource headers = side == Side.REQUEST ? e.requestHeaders : e.responseHeaders;
        return headers == null ? null : headers.get(name);
    }
}
