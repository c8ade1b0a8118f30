package dev.outrigger.sidecar.route;

/**
 * Answer the request without going upstream, as Envoy's {@code direct_response}.
 *
 * @param status the HTTP status, 200 to 599
 * @param body the response body, or null for none
 */
public record DirectResponseAction(int status, String body) implements RouteAction {

    public DirectResponseAction {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status " + status + " is outside 200..599");
        }
    }
}
