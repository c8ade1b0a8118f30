package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.route.HashPolicy;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Translates a route's {@code hash_policy}: {@code header}, {@code cookie} (an existing cookie;
 * generating one with {@code ttl} is not supported yet), {@code connection_properties.source_ip}
 * and {@code query_parameter}, each optionally {@code terminal}. {@code filter_state} and a
 * header's {@code regex_rewrite} are refused naming the field.
 */
final class HashPolicyTranslator {

    private HashPolicyTranslator() {
    }

    static List<HashPolicy> translate(List<RouteAction.HashPolicy> policies, FieldPath path)
            throws ResourceInvalidException {
        List<HashPolicy> out = new ArrayList<>(policies.size());
        for (int i = 0; i < policies.size(); i++) {
            out.add(policy(policies.get(i), path.index(i)));
        }
        return List.copyOf(out);
    }

    private static HashPolicy policy(RouteAction.HashPolicy p, FieldPath path) throws ResourceInvalidException {
        boolean terminal = p.getTerminal();
        switch (p.getPolicySpecifierCase()) {
            case HEADER -> {
                FieldPath at = path.field("header");
                FieldCheck.only(p.getHeader(), at, "header_name");
                String name = p.getHeader().getHeaderName();
                if (name.isEmpty()) {
                    throw at.field("header_name").invalid("required");
                }
                return new HashPolicy.Header(name.toLowerCase(Locale.ROOT), terminal);
            }
            case COOKIE -> {
                FieldPath at = path.field("cookie");
                FieldCheck.only(p.getCookie(), at, "name");
                if (p.getCookie().getName().isEmpty()) {
                    throw at.field("name").invalid("required");
                }
                return new HashPolicy.Cookie(p.getCookie().getName(), terminal);
            }
            case CONNECTION_PROPERTIES -> {
                FieldPath at = path.field("connection_properties");
                FieldCheck.only(p.getConnectionProperties(), at, "source_ip");
                if (!p.getConnectionProperties().getSourceIp()) {
                    throw at.field("source_ip").invalid("must be true (it is the only connection property)");
                }
                return new HashPolicy.SourceIp(terminal);
            }
            case QUERY_PARAMETER -> {
                FieldPath at = path.field("query_parameter");
                FieldCheck.only(p.getQueryParameter(), at, "name");
                if (p.getQueryParameter().getName().isEmpty()) {
                    throw at.field("name").invalid("required");
                }
                return new HashPolicy.QueryParameter(p.getQueryParameter().getName(), terminal);
            }
            case FILTER_STATE -> throw path.field("filter_state").invalid("is not supported (header, cookie,"
                    + " connection_properties or query_parameter)");
            default -> throw path.invalid("one of header, cookie, connection_properties or query_parameter is"
                    + " required");
        }
    }
}
