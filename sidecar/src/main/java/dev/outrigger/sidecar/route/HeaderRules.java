package dev.outrigger.sidecar.route;

import java.util.Objects;

/**
 * The header rules of one level (route, virtual host or route table) for both directions.
 *
 * @param request {@code request_headers_to_add} / {@code request_headers_to_remove}
 * @param response {@code response_headers_to_add} / {@code response_headers_to_remove}
 */
public record HeaderRules(HeaderMutations request, HeaderMutations response) {

    /** No header rules. */
    public static final HeaderRules NONE = new HeaderRules(HeaderMutations.NONE, HeaderMutations.NONE);

    public HeaderRules {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
    }
}
