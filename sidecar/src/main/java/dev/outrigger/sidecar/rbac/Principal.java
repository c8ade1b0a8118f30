package dev.outrigger.sidecar.rbac;

import dev.outrigger.sidecar.route.HeaderMatcher;
import dev.outrigger.sidecar.route.StringMatcher;
import java.util.List;
import java.util.Objects;

/**
 * Who the caller is, as Envoy's RBAC {@code Principal}: its proven identity, its addresses, or
 * (on HTTP) a header or path. {@link Header} and {@link UrlPath} never match on a TCP connection.
 */
public sealed interface Principal {

    /** True when the caller of {@code input} is this principal. */
    boolean matches(RbacInput input);

    /** Every caller ({@code any: true}). */
    record Any() implements Principal {
        @Override
        public boolean matches(RbacInput input) {
            return true;
        }
    }

    /**
     * A caller that proved an identity with a client certificate ({@code authenticated}). With
     * a null {@code principalName} any such caller matches; otherwise its identity (the URI SAN,
     * e.g. a SPIFFE ID) must satisfy the matcher. A caller without a certificate never matches.
     */
    record Authenticated(StringMatcher principalName) implements Principal {
        @Override
        public boolean matches(RbacInput input) {
            String principal = input.principal();
            return principal != null && (principalName == null || principalName.matches(principal));
        }
    }

    /** The socket peer's address ({@code direct_remote_ip}, and the deprecated {@code source_ip}). */
    record DirectRemoteIp(CidrRange range) implements Principal {
        public DirectRemoteIp {
            Objects.requireNonNull(range, "range");
        }

        @Override
        public boolean matches(RbacInput input) {
            return input.directRemote() != null && range.contains(input.directRemote().getAddress());
        }
    }

    /** The original client's address, which may come from {@code x-forwarded-for} ({@code remote_ip}). */
    record RemoteIp(CidrRange range) implements Principal {
        public RemoteIp {
            Objects.requireNonNull(range, "range");
        }

        @Override
        public boolean matches(RbacInput input) {
            return range.contains(input.remoteIp());
        }
    }

    /** A request header or pseudo-header ({@code header}); {@code :path} includes the query string. */
    record Header(HeaderMatcher matcher) implements Principal {
        public Header {
            Objects.requireNonNull(matcher, "matcher");
        }

        @Override
        public boolean matches(RbacInput input) {
            return RequestMatching.header(matcher, input);
        }
    }

    /** The request path without query string and fragment ({@code url_path}). */
    record UrlPath(StringMatcher matcher) implements Principal {
        public UrlPath {
            Objects.requireNonNull(matcher, "matcher");
        }

        @Override
        public boolean matches(RbacInput input) {
            return RequestMatching.urlPath(matcher, input);
        }
    }

    /** Every identifier matches ({@code and_ids}). */
    record And(List<Principal> ids) implements Principal {
        public And {
            ids = List.copyOf(ids);
        }

        @Override
        public boolean matches(RbacInput input) {
            for (int i = 0; i < ids.size(); i++) {
                if (!ids.get(i).matches(input)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** At least one identifier matches ({@code or_ids}). */
    record Or(List<Principal> ids) implements Principal {
        public Or {
            ids = List.copyOf(ids);
        }

        @Override
        public boolean matches(RbacInput input) {
            for (int i = 0; i < ids.size(); i++) {
                if (ids.get(i).matches(input)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The identifier does not match ({@code not_id}). */
    record Not(Principal id) implements Principal {
        public Not {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public boolean matches(RbacInput input) {
            return !id.matches(input);
        }
    }
}
