package dev.outrigger.sidecar.rbac;

import dev.outrigger.sidecar.route.HeaderMatcher;
import dev.outrigger.sidecar.route.StringMatcher;
import java.util.List;
import java.util.Objects;

/**
 * What a caller does, as Envoy's RBAC {@code Permission}: the request or connection a policy
 * covers. {@link Header} and {@link UrlPath} need an HTTP request and never match on a TCP
 * connection.
 */
public sealed interface Permission {

    /** True when {@code input} is covered by this permission. */
    boolean matches(RbacInput input);

    /** Everything ({@code any: true}). */
    record Any() implements Permission {
        @Override
        public boolean matches(RbacInput input) {
            return true;
        }
    }

    /** A request header or pseudo-header ({@code header}); {@code :path} includes the query string. */
    record Header(HeaderMatcher matcher) implements Permission {
        public Header {
            Objects.requireNonNull(matcher, "matcher");
        }

        @Override
        public boolean matches(RbacInput input) {
            return RequestMatching.header(matcher, input);
        }
    }

    /** The request path without query string and fragment ({@code url_path}). */
    record UrlPath(StringMatcher matcher) implements Permission {
        public UrlPath {
            Objects.requireNonNull(matcher, "matcher");
        }

        @Override
        public boolean matches(RbacInput input) {
            return RequestMatching.urlPath(matcher, input);
        }
    }

    /** The address the connection was accepted on ({@code destination_ip}). */
    record DestinationIp(CidrRange range) implements Permission {
        public DestinationIp {
            Objects.requireNonNull(range, "range");
        }

        @Override
        public boolean matches(RbacInput input) {
            return input.local() != null && range.contains(input.local().getAddress());
        }
    }

    /** The port the connection was accepted on ({@code destination_port}). */
    record DestinationPort(int port) implements Permission {
        public DestinationPort {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(port + " is not a port");
            }
        }

        @Override
        public boolean matches(RbacInput input) {
            return input.local() != null && input.local().getPort() == port;
        }
    }

    /** The accepting port is in {@code [start, end)} ({@code destination_port_range}). */
    record DestinationPortRange(int start, int end) implements Permission {
        public DestinationPortRange {
            if (start >= end) {
                throw new IllegalArgumentException("port range [" + start + ", " + end + ") is empty");
            }
        }

        @Override
        public boolean matches(RbacInput input) {
            if (input.local() == null) {
                return false;
            }
            int port = input.local().getPort();
            return port >= start && port < end;
        }
    }

    /** The TLS server name (SNI) the client asked for, "" without one ({@code requested_server_name}). */
    record RequestedServerName(StringMatcher matcher) implements Permission {
        public RequestedServerName {
            Objects.requireNonNull(matcher, "matcher");
        }

        @Override
        public boolean matches(RbacInput input) {
            String sni = input.requestedServerName();
            return matcher.matches(sni == null ? "" : sni);
        }
    }

    /** Every rule matches ({@code and_rules}). */
    record And(List<Permission> rules) implements Permission {
        public And {
            rules = List.copyOf(rules);
        }

        @Override
        public boolean matches(RbacInput input) {
            for (int i = 0; i < rules.size(); i++) {
                if (!rules.get(i).matches(input)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** At least one rule matches ({@code or_rules}). */
    record Or(List<Permission> rules) implements Permission {
        public Or {
            rules = List.copyOf(rules);
        }

        @Override
        public boolean matches(RbacInput input) {
            for (int i = 0; i < rules.size(); i++) {
                if (rules.get(i).matches(input)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The rule does not match ({@code not_rule}). */
    record Not(Permission rule) implements Permission {
        public Not {
            Objects.requireNonNull(rule, "rule");
        }

        @Override
        public boolean matches(RbacInput input) {
            return !rule.matches(input);
        }
    }
}
