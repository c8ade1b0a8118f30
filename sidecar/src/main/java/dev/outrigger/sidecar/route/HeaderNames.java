package dev.outrigger.sidecar.route;

/** Checks header names and values the way HTTP (RFC 9110) and Envoy's header rules require. */
public final class HeaderNames {

    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private HeaderNames() {
    }

    /** True when {@code name} is a non-empty RFC 9110 token, the only legal header field name. */
    public static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || TOKEN_SYMBOLS.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Why a header rule may not add or remove {@code lowerCaseName}, or null when it may. Like
     * Envoy, pseudo-headers and {@code host} are off limits: they carry the routing decision itself.
     */
    public static String notModifiableReason(String lowerCaseName) {
        if (lowerCaseName.startsWith(":")) {
            return "pseudo-header " + lowerCaseName + " cannot be modified by header rules";
        }
        if (lowerCaseName.equals("host")) {
            return "host cannot be modified by header rules (use host_rewrite_literal)";
        }
        if (!isToken(lowerCaseName)) {
            return "\"" + lowerCaseName + "\" is not a valid header name";
        }
        return null;
    }

    /**
     * True when {@code value} can be sent as a header value: no CR, LF or NUL, which would let
     * one header smuggle another.
     */
    public static boolean isValidValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                return false;
            }
        }
        return true;
    }
}
