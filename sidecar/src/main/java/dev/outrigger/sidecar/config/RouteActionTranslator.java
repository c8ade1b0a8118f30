package dev.outrigger.sidecar.config;

import com.google.protobuf.ByteString;
import com.google.protobuf.UInt32Value;
import dev.outrigger.sidecar.route.ClusterWeight;
import dev.outrigger.sidecar.route.DirectResponseAction;
import dev.outrigger.sidecar.route.ForwardAction;
import dev.outrigger.sidecar.route.HeaderNames;
import dev.outrigger.sidecar.route.PathMatcher;
import dev.outrigger.sidecar.route.PathRewrite;
import dev.outrigger.sidecar.route.RedirectAction;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Translates the three route actions: {@code route}, {@code redirect} and {@code direct_response}. */
final class RouteActionTranslator {

    /** Envoy's default {@code max_direct_response_body_size_bytes}. */
    static final int MAX_DIRECT_RESPONSE_BODY_BYTES = 4096;

    private RouteActionTranslator() {
    }

    /** Translates a {@code route} action at {@code path}; {@code pathMatcher} is the route's, for prefix_rewrite. */
    static ForwardAction forward(RouteAction action, PathMatcher pathMatcher, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(action, path, "cluster", "weighted_clusters", "cluster_not_found_response_code",
                "rate_limits", "include_vh_rate_limits",
                "prefix_rewrite", "regex_rewrite", "host_rewrite_literal", "timeout", "upgrade_configs",
                "max_grpc_timeout", "hash_policy");
        List<ClusterWeight> clusters = switch (action.getClusterSpecifierCase()) {
            case CLUSTER -> {
                if (action.getCluster().isEmpty()) {
                    throw path.field("cluster").invalid("must not be empty");
                }
                yield List.of(new ClusterWeight(action.getCluster(), 1));
            }
            case WEIGHTED_CLUSTERS -> weightedClusters(action.getWeightedClusters(), path.field("weighted_clusters"));
            default -> throw path.invalid("one of cluster or weighted_clusters is required");
        };
        PathRewrite rewrite = pathRewrite(action.getPrefixRewrite(), action.hasRegexRewrite()
                ? RegexTranslator.regexRewrite(action.getRegexRewrite(), path.field("regex_rewrite")) : null,
                pathMatcher, path);
        String hostRewrite = null;
        if (action.getHostRewriteSpecifierCase() == RouteAction.HostRewriteSpecifierCase.HOST_REWRITE_LITERAL) {
            hostRewrite = action.getHostRewriteLiteral();
            if (hostRewrite.isEmpty() || !HeaderNames.isValidValue(hostRewrite)) {
                throw path.field("host_rewrite_literal").invalid("must be a non-empty host without CR, LF or NUL");
            }
        }
        Duration timeout = ForwardAction.DEFAULT_TIMEOUT;
        if (action.hasTimeout()) {
            timeout = duration(action.getTimeout(), path.field("timeout"));
        }
        int notFound = switch (action.getClusterNotFoundResponseCode()) {
            case SERVICE_UNAVAILABLE -> 503;
            case NOT_FOUND -> 404;
            case INTERNAL_SERVER_ERROR -> 500;
            default -> throw path.field("cluster_not_found_response_code").invalid(
                    "unknown value " + action.getClusterNotFoundResponseCodeValue());
        };
        Map<String, Boolean> upgrades = UpgradeConfigTranslator.route(action.getUpgradeConfigsList(),
                path.field("upgrade_configs"));
        // Unset and 0s differ, as in Envoy: unset ignores grpc-timeout, 0s honours it without a cap.
        Duration maxGrpcTimeout = action.hasMaxGrpcTimeout()
                ? duration(action.getMaxGrpcTimeout(), path.field("max_grpc_timeout"))
                : null;
        return new ForwardAction(clusters, rewrite, hostRewrite, timeout, notFound, upgrades, maxGrpcTimeout,
                HashPolicyTranslator.translate(action.getHashPolicyList(), path.field("hash_policy")));
    }

    private static List<ClusterWeight> weightedClusters(WeightedCluster weighted, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(weighted, path, "clusters");
        if (weighted.getClustersCount() == 0) {
            throw path.field("clusters").invalid("at least one cluster is required");
        }
        List<ClusterWeight> clusters = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < weighted.getClustersCount(); i++) {
            WeightedCluster.ClusterWeight c = weighted.getClusters(i);
            FieldPath at = path.field("clusters").index(i);
            // per-cluster header rules would need the picked cluster when headers are applied; not offered
            FieldCheck.only(c, at, "name", "weight");
            if (c.getName().isEmpty()) {
                throw at.field("name").invalid("must not be empty");
            }
            long weight = 0;
            if (c.hasWeight()) {
                UInt32Value w = c.getWeight();
                FieldCheck.only(w, at.field("weight"), "value");
                weight = Integer.toUnsignedLong(w.getValue());
            }
            total += weight;
            clusters.add(new ClusterWeight(c.getName(), weight));
        }
        if (total == 0 || total > ClusterWeight.MAX_WEIGHT) {
            throw path.field("clusters").invalid("sum of weights is " + total + "; it must be between 1 and "
                    + ClusterWeight.MAX_WEIGHT);
        }
        return clusters;
    }

    /** Combines prefix_rewrite (may be "") and regex_rewrite (may be null), which exclude each other. */
    private static PathRewrite pathRewrite(String prefixRewrite, PathRewrite regexRewrite, PathMatcher pathMatcher,
            FieldPath path) throws ResourceInvalidException {
        if (prefixRewrite.isEmpty()) {
            return regexRewrite != null ? regexRewrite : PathRewrite.NONE;
        }
        FieldPath at = path.field("prefix_rewrite");
        if (regexRewrite != null) {
            throw at.invalid("only one of prefix_rewrite and regex_rewrite may be set");
        }
        if (!HeaderNames.isValidValue(prefixRewrite)) {
            throw at.invalid("must not contain CR, LF or NUL");
        }
        int matched = pathMatcher.rewritablePrefixLength();
        if (matched < 0) {
            throw at.invalid("needs a prefix, path or path_separated_prefix match; this route matches safe_regex "
                    + "(use regex_rewrite)");
        }
        return new PathRewrite.ReplacePrefix(matched, prefixRewrite);
    }

    /** Translates a {@code redirect} action at {@code path}. */
    static RedirectAction redirect(io.envoyproxy.envoy.config.route.v3.RedirectAction r, PathMatcher pathMatcher,
            FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(r, path, "https_redirect", "scheme_redirect", "host_redirect", "port_redirect",
                "path_redirect", "prefix_rewrite", "regex_rewrite", "response_code", "strip_query");
        String scheme = null;
        if (r.getSchemeRewriteSpecifierCase()
                == io.envoyproxy.envoy.config.route.v3.RedirectAction.SchemeRewriteSpecifierCase.SCHEME_REDIRECT) {
            scheme = r.getSchemeRedirect().toLowerCase(Locale.ROOT);
            if (!scheme.matches("[a-z][a-z0-9+.-]*")) {
                throw path.field("scheme_redirect").invalid("\"" + r.getSchemeRedirect() + "\" is not a URI scheme");
            }
        } else if (r.getHttpsRedirect()) {
            scheme = "https";
        }
        String host = null;
        if (!r.getHostRedirect().isEmpty()) {
            host = r.getHostRedirect();
            if (!HeaderNames.isValidValue(host) || host.contains("/")) {
                throw path.field("host_redirect").invalid("\"" + host + "\" is not a host");
            }
        }
        int port = r.getPortRedirect();
        if (port < 0 || port > 65535) {
            throw path.field("port_redirect").invalid("port " + Integer.toUnsignedString(port)
                    + " is outside 1..65535");
        }
        String pathRedirect = null;
        PathRewrite rewrite = PathRewrite.NONE;
        switch (r.getPathRewriteSpecifierCase()) {
            case PATH_REDIRECT -> {
                pathRedirect = r.getPathRedirect();
                if (pathRedirect.isEmpty() || !HeaderNames.isValidValue(pathRedirect)) {
                    throw path.field("path_redirect").invalid("must be a non-empty path without CR, LF or NUL");
                }
            }
            case PREFIX_REWRITE -> {
                if (r.getPrefixRewrite().isEmpty()) {
                    throw path.field("prefix_rewrite").invalid("must not be empty");
                }
                rewrite = pathRewrite(r.getPrefixRewrite(), null, pathMatcher, path);
            }
            case REGEX_REWRITE ->
                    rewrite = RegexTranslator.regexRewrite(r.getRegexRewrite(), path.field("regex_rewrite"));
            default -> {
                // keep the request's path
            }
        }
        int status = switch (r.getResponseCode()) {
            case MOVED_PERMANENTLY -> 301;
            case FOUND -> 302;
            case SEE_OTHER -> 303;
            case TEMPORARY_REDIRECT -> 307;
            case PERMANENT_REDIRECT -> 308;
            default -> throw path.field("response_code").invalid("unknown value " + r.getResponseCodeValue());
        };
        return new RedirectAction(scheme, host, port, pathRedirect, rewrite, r.getStripQuery(), status);
    }

    /** Translates a {@code direct_response} action at {@code path}. */
    static DirectResponseAction directResponse(io.envoyproxy.envoy.config.route.v3.DirectResponseAction d,
            FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(d, path, "status", "body");
        int status = d.getStatus();
        if (status < 200 || status > 599) {
            throw path.field("status").invalid("status " + Integer.toUnsignedString(status) + " is outside 200..599");
        }
        String body = d.hasBody() ? body(d.getBody(), path.field("body")) : null;
        return new DirectResponseAction(status, body);
    }

    private static String body(DataSource source, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(source, path, "inline_string", "inline_bytes", "filename");
        ByteString bytes;
        FieldPath at;
        switch (source.getSpecifierCase()) {
            case INLINE_STRING -> {
                at = path.field("inline_string");
                bytes = source.getInlineStringBytes();
            }
            case INLINE_BYTES -> {
                at = path.field("inline_bytes");
                bytes = source.getInlineBytes();
            }
            case FILENAME -> {
                at = path.field("filename");
                // read once here: the body is part of the immutable config, and a missing file is a config error
                try {
                    bytes = ByteString.copyFrom(Files.readAllBytes(Path.of(source.getFilename())));
                } catch (IOException | RuntimeException e) {
                    throw at.invalid("cannot read \"" + source.getFilename() + "\": " + e);
                }
            }
            default -> {
                return null;
            }
        }
        if (bytes.size() > MAX_DIRECT_RESPONSE_BODY_BYTES) {
            throw at.invalid("body is " + bytes.size() + " bytes; the maximum is " + MAX_DIRECT_RESPONSE_BODY_BYTES);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw at.invalid("body is not valid UTF-8");
        }
    }

    /** Converts a protobuf {@code Duration} found at {@code path}; negative or malformed ones are rejected. */
    static Duration duration(com.google.protobuf.Duration d, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(d, path, "seconds", "nanos");
        if (d.getSeconds() < 0 || d.getNanos() < 0 || d.getNanos() > 999_999_999) {
            throw path.invalid("must be a non-negative duration");
        }
        return Duration.ofSeconds(d.getSeconds(), d.getNanos());
    }
}
