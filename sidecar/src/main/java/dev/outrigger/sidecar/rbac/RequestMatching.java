package dev.outrigger.sidecar.rbac;

import dev.outrigger.sidecar.route.HeaderMatcher;
import dev.outrigger.sidecar.route.RequestView;
import dev.outrigger.sidecar.route.StringMatcher;

/**
 * The matching that permissions and principals share and that needs an HTTP request. On a TCP
 * connection there is no request, and it never matches (so a {@code not_rule} / {@code not_id}
 * around it always does).
 */
final class RequestMatching {

    private RequestMatching() {
    }

    /** The request's header satisfies {@code matcher}; false on TCP. */
    static boolean header(HeaderMatcher matcher, RbacInput input) {
        RequestView request = input.request();
        return request != null && matcher.matches(request);
    }

    /** The request's path, without query string and fragment, satisfies {@code matcher}; false on TCP. */
    static boolean urlPath(StringMatcher matcher, RbacInput input) {
        RequestView request = input.request();
        if (request == null) {
            return false;
        }
        String target = request.pathAndQuery();
        if (target == null) {
            return false;
        }
        return matcher.matches(pathOnly(target));
    }

    /** {@code /a/b?x=1#f} becomes {@code /a/b}; without '?' or '#' the string itself (no copy). */
    static String pathOnly(String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '?' || c == '#') {
                return target.substring(0, i);
            }
        }
        return target;
    }
}
