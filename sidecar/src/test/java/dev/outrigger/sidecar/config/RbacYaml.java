package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.util.JsonFormat;
import dev.outrigger.sidecar.rbac.RbacConfig;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;

/** Builds RBAC filter configurations from YAML the way operators write them, and translates them. */
final class RbacYaml {

    private RbacYaml() {
    }

    static RBAC httpProto(String yaml) throws Exception {
        RBAC.Builder builder = RBAC.newBuilder();
        JsonFormat.parser().merge(new YAMLMapper().readTree(yaml).toString(), builder);
        return builder.build();
    }

    static io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC networkProto(String yaml) throws Exception {
        var builder = io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.newBuilder();
        JsonFormat.parser().merge(new YAMLMapper().readTree(yaml).toString(), builder);
        return builder.build();
    }

    /** The HTTP filter configuration {@code yaml}, translated at the root. */
    static RbacConfig http(String yaml) throws Exception {
        return RbacTranslator.http(httpProto(yaml), FieldPath.ROOT);
    }

    /** The network filter configuration {@code yaml}, translated at the root. */
    static RbacConfig network(String yaml) throws Exception {
        return RbacTranslator.network(networkProto(yaml), FieldPath.ROOT);
    }

    /** The message rejecting the HTTP filter configuration {@code yaml}. */
    static String httpError(String yaml) throws Exception {
        RBAC rbac = httpProto(yaml);
        return message(assertThrows(ResourceInvalidException.class, () -> RbacTranslator.http(rbac, FieldPath.ROOT)));
    }

    /** The message rejecting the network filter configuration {@code yaml}. */
    static String networkError(String yaml) throws Exception {
        var rbac = networkProto(yaml);
        return message(assertThrows(ResourceInvalidException.class,
                () -> RbacTranslator.network(rbac, FieldPath.ROOT)));
    }

    /** The message rejecting a one-policy ALLOW rule set with {@code policy} (a YAML mapping) under "p". */
    static String policyError(String policy) throws Exception {
        return httpError("rules:\n  policies:\n    p:\n" + policy.indent(6));
    }

    private static String message(ResourceInvalidException e) {
        assertEquals(e.getMessage(), e.path() + ": " + e.reason());
        return e.getMessage();
    }
}
