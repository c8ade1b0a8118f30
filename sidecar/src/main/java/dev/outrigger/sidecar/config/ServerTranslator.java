package dev.outrigger.sidecar.config;

import dev.outrigger.proto.bootstrap.v1.SidecarSettings;
import dev.outrigger.sidecar.snapshot.ServerSettings;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.bootstrap.v3.Admin;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Translates the process-wide parts of a bootstrap ({@code node}, {@code admin} and the
 * {@code bootstrap_extensions} entry carrying Outrigger's {@code SidecarSettings}) into
 * {@link ServerSettings}.
 */
final class ServerTranslator {

    /** More event loops than this is a typo, not a machine. */
    static final int MAX_CONCURRENCY = ServerSettings.MAX_CONCURRENCY;

    private static final String SETTINGS_TYPE = SidecarSettings.getDescriptor().getFullName();

    private ServerTranslator() {
    }

    /** The server settings of {@code bootstrap}; paths are relative to the bootstrap root. */
    static ServerSettings translate(Bootstrap bootstrap) throws ResourceInvalidException {
        FieldPath root = FieldPath.ROOT;
        String nodeId = "";
        String nodeCluster = "";
        if (bootstrap.hasNode()) {
            Node node = bootstrap.getNode();
            // metadata and locality are accepted so that control-plane-oriented bootstraps load;
            // Outrigger has no use for them until it talks to a control plane.
            FieldCheck.only(node, root.field("node"), "id", "cluster", "metadata", "locality");
            nodeId = node.getId();
            nodeCluster = node.getCluster();
        }
        InetSocketAddress admin = ServerSettings.DEFAULT_ADMIN_ADDRESS;
        if (bootstrap.hasAdmin()) {
            admin = adminAddress(bootstrap.getAdmin(), root.field("admin"));
        }
        ServerSettings settings = new ServerSettings(nodeId, nodeCluster, admin, 0,
                ServerSettings.DEFAULT_DRAIN_TIMEOUT, ServerSettings.Transport.AUTO);
        return withExtensions(settings, bootstrap);
    }

    private static InetSocketAddress adminAddress(Admin admin, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(admin, path, "address");
        if (!admin.hasAddress()) {
            return ServerSettings.DEFAULT_ADMIN_ADDRESS;
        }
        return AddressTranslator.bindAddress(admin.getAddress(), path.field("address"), AddressTranslator.Use.ADMIN);
    }

    private static ServerSettings withExtensions(ServerSettings settings, Bootstrap bootstrap)
            throws ResourceInvalidException {
        FieldPath list = FieldPath.ROOT.field("bootstrap_extensions");
        int found = -1;
        ServerSettings result = settings;
        for (int i = 0; i < bootstrap.getBootstrapExtensionsCount(); i++) {
            TypedExtensionConfig extension = bootstrap.getBootstrapExtensions(i);
            FieldPath path = list.index(i);
            FieldCheck.only(extension, path, "name", "typed_config");
            String type = ConfigValues.typeName(extension.getTypedConfig());
            if (!type.equals(SETTINGS_TYPE)) {
                String what = extension.getName().isEmpty() ? type : extension.getName();
                throw path.invalid((what.isEmpty() ? "an extension without typed_config" : what)
                        + " is not supported (the only bootstrap extension is " + SETTINGS_TYPE + ")");
            }
            if (found >= 0) {
                throw path.invalid(SETTINGS_TYPE + " is already given at bootstrap_extensions[" + found + "]");
            }
            found = i;
            FieldPath configPath = path.field("typed_config");
            SidecarSettings sidecar =
                    ConfigValues.unpack(extension.getTypedConfig(), SidecarSettings.class, configPath);
            result = apply(result, sidecar, configPath);
        }
        return result;
    }

    private static ServerSettings apply(ServerSettings base, SidecarSettings s, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(s, path, "concurrency", "drain_timeout", "transport");
        long concurrency = Integer.toUnsignedLong(s.getConcurrency());
        if (concurrency > MAX_CONCURRENCY) {
            throw path.field("concurrency").invalid(concurrency + " is too many event-loop threads (at most "
                    + MAX_CONCURRENCY + "; 0 means one per processor)");
        }
        Duration drain = s.hasDrainTimeout()
                ? ConfigValues.nonNegative(s.getDrainTimeout(), path.field("drain_timeout"))
                : base.drainTimeout();
        ServerSettings.Transport transport = switch (s.getTransport()) {
            case AUTO -> ServerSettings.Transport.AUTO;
            case EPOLL -> ServerSettings.Transport.EPOLL;
            case NIO -> ServerSettings.Transport.NIO;
            case UNRECOGNIZED -> throw path.field("transport").invalid(
                    s.getTransportValue() + " is not a transport (AUTO, EPOLL or NIO)");
        };
        return new ServerSettings(base.nodeId(), base.nodeCluster(), base.adminAddress(), (int) concurrency,
                drain, transport);
    }
}
