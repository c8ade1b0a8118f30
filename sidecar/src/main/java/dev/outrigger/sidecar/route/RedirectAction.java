package dev.outrigger.sidecar.route;

import java.util.Objects;

/**
 * Answer with a redirect, as Envoy's {@code RedirectAction}: each part of the {@code Location}
 * is either configured or taken from the request.
 *
 * @param scheme the new scheme ({@code scheme_redirect}, or "https" for {@code https_redirect}),
 *     or null to keep the request's
 * @param host the new host ({@code host_redirect}), or null to keep the request's
 * @param port the new port ({@code port_redirect}), or 0 to keep the request's
 * @param pathRedirect the new path ({@code path_redirect}), or null; when it has a query, that
 *     query replaces the request's and {@code stripQuery} does not apply
 * @param pathRewrite {@code prefix_rewrite} / {@code regex_rewrite} of the request path, or
 *     {@link PathRewrite#NONE}; exclusive with {@code pathRedirect}
 * @param stripQuery drop the request's query string ({@code strip_query})
 * @param status 301, 302, 303, 307 or 308
 */
public record RedirectAction(
        String scheme,
        String host,
        int port,
        String pathRedirect,
        PathRewrite pathRewrite,
        boolean stripQuery,
        int status) implements RouteAction {

    public RedirectAction {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
        Objects.requireNonNull(pathRewrite, "pathRewrite");
        if (pathRedirect != null && pathRewrite != PathRewrite.NONE) {
            throw new IllegalArgumentException("pathRedirect and pathRewrite are exclusive");
        }
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            throw new IllegalArgumentException("redirect status " + status + " is not 301, 302, 303, 307 or 308");
        }
    }

    /**
     * The {@code Location} value for this request.
     *
     * @param request the request being redirected
     * @param requestScheme the scheme it arrived with, "http" or "https"
     */
    public String location(RequestView request, String requestScheme) {
        String finalScheme = scheme != null ? scheme : requestScheme;
        String portPart = port == 0 || isDefaultPort(finalScheme, port) ? "" : ":" + port;
        String finalHost = host != null ? host : requestHost(request.authority(), finalScheme, requestScheme);
        return finalScheme + "://" + finalHost + portPart + path(request.pathAndQuery());
    }

    /**
     * The request's host, without its port when a new port is configured or when the port is
     * the old scheme's default and the scheme changes ({@code http://a:80} → {@code https://a}).
     */
    private String requestHost(String authority, String finalScheme, String requestScheme) {
        if (authority == null) {
            return "";
        }
        int colon = HostPort.portSeparator(authority);
        if (colon < 0) {
            return authority;
        }
        boolean removePort = port != 0;
        if (!finalScheme.equals(requestScheme)) {
            String requestPort = authority.substring(colon + 1);
            removePort |= "https".equals(requestScheme) && requestPort.equals("443");
            removePort |= "http".equals(requestScheme) && requestPort.equals("80");
        }
        return removePort ? authority.substring(0, colon) : authority;
    }

    private String path(String pathAndQuery) {
        String current = pathAndQuery == null ? "/" : pathAndQuery;
        boolean redirectHasQuery = pathRedirect != null && pathRedirect.indexOf('?') >= 0;
        String result;
        if (pathRedirect == null) {
            result = pathRewrite.apply(current);
        } else if (redirectHasQuery) {
            result = pathRedirect;
        } else {
            int q = current.indexOf('?');
            result = q < 0 ? pathRedirect : pathRedirect + current.substring(q);
        }
        if (!result.startsWith("/")) {
            result = "/" + result;
        }
        if (stripQuery && !redirectHasQuery) {
            int q = result.indexOf('?');
            if (q >= 0) {
                result = result.substring(0, q);
            }
        }
        return result;
    }

    private static boolean isDefaultPort(String scheme, int port) {
        return ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
    }
}
