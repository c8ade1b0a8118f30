package dev.outrigger.sidecar.config;

import com.google.protobuf.BoolValue;
import dev.outrigger.proto.ratelimit.v1.PeerIdentityDescriptor;
import dev.outrigger.sidecar.ratelimit.DescriptorEntry;
import dev.outrigger.sidecar.ratelimit.RateLimitAction;
import dev.outrigger.sidecar.ratelimit.RateLimitRule;
import dev.outrigger.sidecar.route.HeaderMatcher;
import dev.outrigger.sidecar.route.HeaderNames;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Translates {@code rate_limits} ({@code envoy.config.route.v3.RateLimit}) of a route, a virtual
 * host or the local rate limit filter into {@link RateLimitRule}s. Of the actions, Outrigger
 * implements {@code source_cluster}, {@code destination_cluster}, {@code request_headers},
 * {@code remote_address}, {@code generic_key}, {@code header_value_match} and, as the
 * {@code extension} action, its own {@code outrigger.ratelimit.v1.PeerIdentityDescriptor}.
 */
final class RateLimitActionsTranslator {

    /** The type URL of Outrigger's descriptor extension. */
    static final String PEER_IDENTITY_TYPE = "type.googleapis.com/outrigger.ratelimit.v1.PeerIdentityDescriptor";

    private static final String SUPPORTED_ACTIONS = "source_cluster, destination_cluster, request_headers,"
            + " remote_address, generic_key, header_value_match, extension (" + PEER_IDENTITY_TYPE + ")";
    private static final List<String> READABLE_PSEUDO_HEADERS = List.of(":authority", ":method", ":path");

    private RateLimitActionsTranslator() {
    }

    /** Translates a route's or virtual host's {@code rate_limits}, found at {@code path}. */
    static List<RateLimitRule> translate(List<RateLimit> rateLimits, FieldPath path) throws ResourceInvalidException {
        return rules(rateLimits, path, false);
    }

    /**
     * Translates the local rate limit filter's own {@code rate_limits}, found at {@code path}.
     * Envoy does not support {@code stage} and {@code disable_key} there, so neither does Outrigger.
     */
    static List<RateLimitRule> translateEmbedded(List<RateLimit> rateLimits, FieldPath path)
            throws ResourceInvalidException {
        return rules(rateLimits, path, true);
    }

    private static List<RateLimitRule> rules(List<RateLimit> rateLimits, FieldPath path, boolean embedded)
            throws ResourceInvalidException {
        if (rateLimits.isEmpty()) {
            return List.of();
        }
        List<RateLimitRule> rules = new ArrayList<>(rateLimits.size());
        for (int i = 0; i < rateLimits.size(); i++) {
            rules.add(rule(rateLimits.get(i), path.index(i), embedded));
        }
        return rules;
    }

    private static RateLimitRule rule(RateLimit rateLimit, FieldPath path, boolean embedded)
            throws ResourceInvalidException {
        if (rateLimit.hasLimit()) {
            throw path.field("limit").invalid("is not supported: a limit override is for the global rate limit"
                    + " service; a local rate limit takes its limits from the filter's descriptors");
        }
        if (embedded) {
            FieldCheck.only(rateLimit, path, "actions");
        } else {
            FieldCheck.only(rateLimit, path, "stage", "disable_key", "actions");
        }
        int stage = 0;
        if (rateLimit.hasStage()) {
            FieldCheck.only(rateLimit.getStage(), path.field("stage"), "value");
            long value = Integer.toUnsignedLong(rateLimit.getStage().getValue());
            if (value > RateLimitRule.MAX_STAGE) {
                throw path.field("stage").invalid("must be 0 to " + RateLimitRule.MAX_STAGE + ", got " + value);
            }
            stage = (int) value;
        }
        if (rateLimit.getActionsCount() == 0) {
            throw path.field("actions").invalid("at least one action is required");
        }
        List<RateLimitAction> actions = new ArrayList<>(rateLimit.getActionsCount());
        for (int i = 0; i < rateLimit.getActionsCount(); i++) {
            actions.add(action(rateLimit.getActions(i), path.field("actions").index(i)));
        }
        return new RateLimitRule(stage, rateLimit.getDisableKey(), actions);
    }

    /** Translates one {@code RateLimit.Action} found at {@code path}. */
    static RateLimitAction action(RateLimit.Action action, FieldPath path) throws ResourceInvalidException {
        return switch (action.getActionSpecifierCase()) {
            case SOURCE_CLUSTER -> new RateLimitAction.SourceCluster();
            case DESTINATION_CLUSTER -> new RateLimitAction.DestinationCluster();
            case REMOTE_ADDRESS -> new RateLimitAction.RemoteAddress();
            case REQUEST_HEADERS -> requestHeaders(action.getRequestHeaders(), path.field("request_headers"));
            case GENERIC_KEY -> genericKey(action.getGenericKey(), path.field("generic_key"));
            case HEADER_VALUE_MATCH -> headerValueMatch(action.getHeaderValueMatch(), path.field("header_value_match"));
            case EXTENSION -> extension(action.getExtension(), path.field("extension"));
            case ACTIONSPECIFIER_NOT_SET -> throw path.invalid("an action is required, one of " + SUPPORTED_ACTIONS);
            default -> {
                String name = action.getAllFields().keySet().iterator().next().getName();
                throw path.field(name).invalid("action is not supported by Outrigger (supported: "
                        + SUPPORTED_ACTIONS + ")");
            }
        };
    }

    private static RateLimitAction requestHeaders(RateLimit.Action.RequestHeaders m, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(m, path, "header_name", "descriptor_key", "skip_if_absent");
        String name = m.getHeaderName().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            throw path.field("header_name").invalid("must not be empty");
        }
        if (name.startsWith(":") ? !READABLE_PSEUDO_HEADERS.contains(name) : !HeaderNames.isToken(name)) {
            throw path.field("header_name").invalid(name.startsWith(":")
                    ? "pseudo-header " + name + " cannot be read (supported: "
                            + String.join(", ", READABLE_PSEUDO_HEADERS) + ")"
                    : "\"" + m.getHeaderName() + "\" is not a valid header name");
        }
        if (m.getDescriptorKey().isEmpty()) {
            throw path.field("descriptor_key").invalid("must not be empty");
        }
        return new RateLimitAction.RequestHeaders(name, m.getDescriptorKey(), m.getSkipIfAbsent());
    }

    private static RateLimitAction genericKey(RateLimit.Action.GenericKey m, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(m, path, "descriptor_value", "descriptor_key");
        if (m.getDescriptorValue().isEmpty()) {
            throw path.field("descriptor_value").invalid("must not be empty");
        }
        String key = m.getDescriptorKey().isEmpty() ? RateLimitAction.GenericKey.DEFAULT_KEY : m.getDescriptorKey();
        return new RateLimitAction.GenericKey(new DescriptorEntry(key, m.getDescriptorValue()));
    }

    private static RateLimitAction headerValueMatch(RateLimit.Action.HeaderValueMatch m, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(m, path, "descriptor_key", "descriptor_value", "expect_match", "headers");
        if (m.getDescriptorValue().isEmpty()) {
            throw path.field("descriptor_value").invalid("must not be empty");
        }
        boolean expectMatch = true;
        if (m.hasExpectMatch()) {
            BoolValue value = m.getExpectMatch();
            FieldCheck.only(value, path.field("expect_match"), "value");
            expectMatch = value.getValue();
        }
        if (m.getHeadersCount() == 0) {
            throw path.field("headers").invalid("at least one header matcher is required");
        }
        List<HeaderMatcher> headers = new ArrayList<>(m.getHeadersCount());
        for (int i = 0; i < m.getHeadersCount(); i++) {
            headers.add(RouteMatchTranslator.headerMatcher(m.getHeaders(i), path.field("headers").index(i)));
        }
        String key = m.getDescriptorKey().isEmpty()
                ? RateLimitAction.HeaderValueMatch.DEFAULT_KEY
                : m.getDescriptorKey();
        return new RateLimitAction.HeaderValueMatch(new DescriptorEntry(key, m.getDescriptorValue()), expectMatch,
                headers);
    }

    private static RateLimitAction extension(TypedExtensionConfig extension, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(extension, path, "name", "typed_config");
        if (!extension.hasTypedConfig()) {
            throw path.field("typed_config").invalid("required: a " + PEER_IDENTITY_TYPE
                    + " (the only descriptor extension Outrigger implements)");
        }
        FieldPath at = path.field("typed_config");
        if (!extension.getTypedConfig().is(PeerIdentityDescriptor.class)) {
            throw at.invalid(ConfigValues.typeName(extension.getTypedConfig()) + " is not supported (the only"
                    + " rate limit descriptor extension Outrigger implements is " + PEER_IDENTITY_TYPE + ")");
        }
        PeerIdentityDescriptor peer = ConfigValues.unpack(extension.getTypedConfig(), PeerIdentityDescriptor.class, at);
        FieldCheck.only(peer, at, "descriptor_key", "skip_if_absent");
        String key = peer.getDescriptorKey().isEmpty()
                ? RateLimitAction.PeerIdentity.DEFAULT_KEY
                : peer.getDescriptorKey();
        return new RateLimitAction.PeerIdentity(key, peer.getSkipIfAbsent());
    }
}
