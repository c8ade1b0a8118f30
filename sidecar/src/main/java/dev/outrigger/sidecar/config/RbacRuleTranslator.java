package dev.outrigger.sidecar.config;

import com.google.common.net.InetAddresses;
import dev.outrigger.sidecar.rbac.CidrRange;
import dev.outrigger.sidecar.rbac.Permission;
import dev.outrigger.sidecar.rbac.Principal;
import dev.outrigger.sidecar.route.StringMatcher;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.v3.Int32Range;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates the permissions and principals of an RBAC policy, and the CIDR ranges and path
 * matchers inside them. Kinds that need data Outrigger does not have (dynamic metadata, filter
 * state, CEL, extensions) are rejected by name.
 */
final class RbacRuleTranslator {

    private static final String PERMISSION_KINDS = "any, header, url_path, destination_ip, destination_port, "
            + "destination_port_range, requested_server_name, and_rules, or_rules or not_rule";
    private static final String PRINCIPAL_KINDS = "any, authenticated, direct_remote_ip, remote_ip, source_ip, "
            + "header, url_path, and_ids, or_ids or not_id";
    private static final String NO_METADATA = "not supported: Outrigger keeps no metadata for RBAC to match";

    private RbacRuleTranslator() {
    }

    /** Translates a {@code Permission} found at {@code path}. */
    static Permission permission(io.envoyproxy.envoy.config.rbac.v3.Permission p, FieldPath path)
            throws ResourceInvalidException {
        return switch (p.getRuleCase()) {
            case ANY -> {
                if (!p.getAny()) {
                    throw path.field("any").invalid("must be true (a permission that matches nothing is not allowed)");
                }
                yield new Permission.Any();
            }
            case HEADER -> new Permission.Header(
                    RouteMatchTranslator.headerMatcher(p.getHeader(), path.field("header")));
            case URL_PATH -> new Permission.UrlPath(urlPath(p.getUrlPath(), path.field("url_path")));
            case DESTINATION_IP -> new Permission.DestinationIp(
                    cidr(p.getDestinationIp(), path.field("destination_ip")));
            case DESTINATION_PORT -> {
                long port = Integer.toUnsignedLong(p.getDestinationPort());
                if (port > 65535) {
                    throw path.field("destination_port").invalid(port + " is above 65535");
                }
                yield new Permission.DestinationPort((int) port);
            }
            case DESTINATION_PORT_RANGE -> portRange(p.getDestinationPortRange(), path.field("destination_port_range"));
            case REQUESTED_SERVER_NAME -> new Permission.RequestedServerName(RouteMatchTranslator.stringMatcher(
                    p.getRequestedServerName(), path.field("requested_server_name")));
            case AND_RULES -> new Permission.And(permissions(p.getAndRules(), path.field("and_rules")));
            case OR_RULES -> new Permission.Or(permissions(p.getOrRules(), path.field("or_rules")));
            case NOT_RULE -> new Permission.Not(permission(p.getNotRule(), path.field("not_rule")));
            case METADATA -> throw path.field("metadata").invalid(NO_METADATA);
            case SOURCED_METADATA -> throw path.field("sourced_metadata").invalid(NO_METADATA);
            case MATCHER -> throw path.field("matcher").invalid(
                    "not supported: Outrigger has no RBAC matcher extensions");
            case URI_TEMPLATE -> throw path.field("uri_template").invalid(
                    "not supported: use url_path with a prefix, exact or safe_regex matcher");
            case RULE_NOT_SET -> throw path.invalid("one of " + PERMISSION_KINDS + " is required");
        };
    }

    private static List<Permission> permissions(io.envoyproxy.envoy.config.rbac.v3.Permission.Set set, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(set, path, "rules");
        if (set.getRulesCount() == 0) {
            throw path.field("rules").invalid("at least one rule is required");
        }
        List<Permission> rules = new ArrayList<>(set.getRulesCount());
        for (int i = 0; i < set.getRulesCount(); i++) {
            rules.add(permission(set.getRules(i), path.field("rules").index(i)));
        }
        return rules;
    }

    /** Translates a {@code Principal} found at {@code path}. */
    @SuppressWarnings("deprecation") // source_ip is deprecated but still sent
    static Principal principal(io.envoyproxy.envoy.config.rbac.v3.Principal p, FieldPath path)
            throws ResourceInvalidException {
        return switch (p.getIdentifierCase()) {
            case ANY -> {
                if (!p.getAny()) {
                    throw path.field("any").invalid("must be true (a principal that matches nobody is not allowed)");
                }
                yield new Principal.Any();
            }
            case AUTHENTICATED -> authenticated(p.getAuthenticated(), path.field("authenticated"));
            // Envoy reads source_ip from the connection's peer, which is direct_remote_ip here
            case SOURCE_IP -> new Principal.DirectRemoteIp(cidr(p.getSourceIp(), path.field("source_ip")));
            case DIRECT_REMOTE_IP -> new Principal.DirectRemoteIp(cidr(p.getDirectRemoteIp(),
                    path.field("direct_remote_ip")));
            case REMOTE_IP -> new Principal.RemoteIp(cidr(p.getRemoteIp(), path.field("remote_ip")));
            case HEADER -> new Principal.Header(
                    RouteMatchTranslator.headerMatcher(p.getHeader(), path.field("header")));
            case URL_PATH -> new Principal.UrlPath(urlPath(p.getUrlPath(), path.field("url_path")));
            case AND_IDS -> new Principal.And(principals(p.getAndIds(), path.field("and_ids")));
            case OR_IDS -> new Principal.Or(principals(p.getOrIds(), path.field("or_ids")));
            case NOT_ID -> new Principal.Not(principal(p.getNotId(), path.field("not_id")));
            case METADATA -> throw path.field("metadata").invalid(NO_METADATA);
            case SOURCED_METADATA -> throw path.field("sourced_metadata").invalid(NO_METADATA);
            case FILTER_STATE -> throw path.field("filter_state").invalid(
                    "not supported: Outrigger keeps no filter state for RBAC to match");
            case CUSTOM -> throw path.field("custom").invalid(
                    "not supported: Outrigger has no RBAC principal extensions (use authenticated.principal_name)");
            case IDENTIFIER_NOT_SET -> throw path.invalid("one of " + PRINCIPAL_KINDS + " is required");
        };
    }

    private static List<Principal> principals(io.envoyproxy.envoy.config.rbac.v3.Principal.Set set, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(set, path, "ids");
        if (set.getIdsCount() == 0) {
            throw path.field("ids").invalid("at least one id is required");
        }
        List<Principal> ids = new ArrayList<>(set.getIdsCount());
        for (int i = 0; i < set.getIdsCount(); i++) {
            ids.add(principal(set.getIds(i), path.field("ids").index(i)));
        }
        return ids;
    }

    private static Principal authenticated(io.envoyproxy.envoy.config.rbac.v3.Principal.Authenticated a,
            FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(a, path, "principal_name");
        if (!a.hasPrincipalName()) {
            return new Principal.Authenticated(null);
        }
        return new Principal.Authenticated(RouteMatchTranslator.stringMatcher(a.getPrincipalName(),
                path.field("principal_name")));
    }

    /** The string matcher of a {@code url_path}; it sees the path without query string and fragment. */
    private static StringMatcher urlPath(PathMatcher m, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(m, path, "path");
        if (m.getRuleCase() != PathMatcher.RuleCase.PATH) {
            throw path.field("path").invalid("required: a string matcher on the path without query string");
        }
        return RouteMatchTranslator.stringMatcher(m.getPath(), path.field("path"));
    }

    private static Permission portRange(Int32Range range, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(range, path, "start", "end");
        int start = range.getStart();
        int end = range.getEnd();
        // end is exclusive, so 65536 is a valid end: it lets the range include port 65535
        if (start < 0 || start > 65535) {
            throw path.field("start").invalid(start + " is not a port (0..65535)");
        }
        if (end < 1 || end > 65536) {
            throw path.field("end").invalid(end + " is outside 1..65536 (end is exclusive)");
        }
        if (start >= end) {
            throw path.invalid("range [" + start + ", " + end + ") is empty: end is exclusive and must be greater "
                    + "than start");
        }
        return new Permission.DestinationPortRange(start, end);
    }

    /**
     * Translates a {@code CidrRange} found at {@code path}. An unset {@code prefix_len} is 0 (the
     * whole address family), as in Envoy; bits past the prefix are ignored.
     */
    static CidrRange cidr(io.envoyproxy.envoy.config.core.v3.CidrRange range, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(range, path, "address_prefix", "prefix_len");
        FieldPath at = path.field("address_prefix");
        String text = range.getAddressPrefix();
        if (text.isEmpty()) {
            throw at.invalid("required: an IPv4 or IPv6 address such as 10.0.0.0 or 2001:db8::");
        }
        if (text.indexOf('%') >= 0) {
            throw at.invalid("\"" + text + "\" has a zone index, which a CIDR range cannot have");
        }
        InetAddress address;
        try {
            address = InetAddresses.forString(text);
        } catch (IllegalArgumentException e) {
            throw at.invalid("\"" + text + "\" is not an IPv4 or IPv6 address");
        }
        if (address instanceof Inet4Address && text.indexOf(':') >= 0) {
            // Java reports IPv4 peers as IPv4 even on dual-stack sockets, so a mapped range would never match
            throw at.invalid("\"" + text + "\" is an IPv4-mapped IPv6 address: write the IPv4 address ("
                    + address.getHostAddress() + ") with a prefix_len 96 shorter");
        }
        int bits = address instanceof Inet4Address ? 32 : 128;
        long prefixLength = range.hasPrefixLen() ? Integer.toUnsignedLong(range.getPrefixLen().getValue()) : 0;
        if (prefixLength > bits) {
            throw path.field("prefix_len").invalid(prefixLength + " is above " + bits + " for an IPv"
                    + (bits == 32 ? 4 : 6) + " address");
        }
        return CidrRange.of(address, (int) prefixLength);
    }
}
