package dev.outrigger.sidecar.route;

/** Finds the port of an authority ({@code host}, {@code host:port}, {@code [v6]:port}) without allocating. */
final class HostPort {

    private HostPort() {
    }

    /**
     * The index of the ':' that starts the port, or -1 when the authority has no port. A bare
     * IPv6 address ({@code ::1}) has colons but no port; only the bracketed form can carry one.
     */
    static int portSeparator(String authority) {
        int colon;
        if (!authority.isEmpty() && authority.charAt(0) == '[') {
            int close = authority.indexOf(']');
            colon = close + 1;
            if (close < 0 || colon >= authority.length() || authority.charAt(colon) != ':') {
                return -1;
            }
        } else {
            colon = authority.lastIndexOf(':');
            if (colon < 0 || authority.indexOf(':') != colon) {
                return -1;
            }
        }
        if (colon == authority.length() - 1) {
            return -1;
        }
        for (int i = colon + 1; i < authority.length(); i++) {
            char c = authority.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return colon;
    }

    /** The host part: the authority without its port, brackets of an IPv6 address kept. */
    static String withoutPort(String authority) {
        int colon = portSeparator(authority);
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    /** The bare address of {@code ip:port}, as Envoy prints it: IPv6 without brackets. */
    static String addressWithoutPort(String address) {
        String host = withoutPort(address);
        if (host.length() >= 2 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']') {
            return host.substring(1, host.length() - 1);
        }
        return host;
    }
}
