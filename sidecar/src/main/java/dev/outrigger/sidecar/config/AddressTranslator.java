package dev.outrigger.sidecar.config;

import com.google.common.net.InetAddresses;
import dev.outrigger.sidecar.cluster.EndpointConfig;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Translates Envoy's {@code Address} into socket addresses. Only {@code socket_address} over TCP
 * with an IP literal is supported: nothing here ever asks DNS, so translation is fast and its
 * result does not depend on the network.
 */
final class AddressTranslator {

    private AddressTranslator() {
    }

    /** What an address is for; decides whether port 0 is allowed and how a hostname is refused. */
    enum Use {
        /** A listener binds it; port 0 asks the kernel for a free port. */
        LISTENER("a listener binds to an IP literal such as 0.0.0.0, :: or 127.0.0.1"),
        /** The admin endpoint binds it, like a listener. */
        ADMIN("the admin endpoint binds to an IP literal such as 127.0.0.1"),
        /** An endpoint of a STATIC cluster; it must be connectable, so port 0 is refused. */
        ENDPOINT("STATIC cluster endpoints must be IP literals (DNS clusters are not supported yet)");

        private final String whyIpLiteral;

        Use(String whyIpLiteral) {
            this.whyIpLiteral = whyIpLiteral;
        }
    }

    /** The address a listener or the admin endpoint binds. */
    static InetSocketAddress bindAddress(Address address, FieldPath path, Use use) throws ResourceInvalidException {
        SocketAddress socket = socketAddress(address, path);
        FieldPath socketPath = path.field("socket_address");
        InetAddress ip = ipLiteral(socket.getAddress(), socketPath.field("address"), use);
        int port = port(socket, socketPath, use);
        return new InetSocketAddress(ip, port);
    }

    /** An endpoint of a STATIC cluster, with its load-balancing weight. */
    static EndpointConfig endpoint(Address address, FieldPath path, int weight) throws ResourceInvalidException {
        SocketAddress socket = socketAddress(address, path);
        FieldPath socketPath = path.field("socket_address");
        InetAddress ip = ipLiteral(socket.getAddress(), socketPath.field("address"), Use.ENDPOINT);
        return new EndpointConfig(InetAddresses.toAddrString(ip), port(socket, socketPath, Use.ENDPOINT), weight);
    }

    private static SocketAddress socketAddress(Address address, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(address, path, "socket_address");
        if (!address.hasSocketAddress()) {
            throw path.field("socket_address").invalid("required");
        }
        SocketAddress socket = address.getSocketAddress();
        FieldPath socketPath = path.field("socket_address");
        FieldCheck.only(socket, socketPath, "protocol", "address", "port_value");
        if (socket.getProtocol() != SocketAddress.Protocol.TCP) {
            throw socketPath.field("protocol").invalid(
                    "protocol " + socket.getProtocol() + " is not supported (only TCP)");
        }
        return socket;
    }

    private static InetAddress ipLiteral(String text, FieldPath path, Use use) throws ResourceInvalidException {
        if (text.isEmpty()) {
            throw path.invalid("required");
        }
        String unbracketed = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : null;
        if (unbracketed != null && InetAddresses.isInetAddress(unbracketed)) {
            throw path.invalid("write the IPv6 address without brackets: " + unbracketed);
        }
        if (!InetAddresses.isInetAddress(text)) {
            throw path.invalid("\"" + text + "\" is not an IP address; " + use.whyIpLiteral);
        }
        return InetAddresses.forString(text);
    }

    private static int port(SocketAddress socket, FieldPath path, Use use) throws ResourceInvalidException {
        int port = socket.getPortValue();
        boolean ephemeralAllowed = use != Use.ENDPOINT;
        if (port < 0 || port > 65535 || (port == 0 && !ephemeralAllowed)) {
            String range = ephemeralAllowed ? "0..65535 (0 picks a free port)" : "1..65535";
            String problem = port == 0 ? "required" : Integer.toUnsignedString(port) + " is not a port";
            throw path.field("port_value").invalid(problem + "; expected " + range);
        }
        return port;
    }
}
