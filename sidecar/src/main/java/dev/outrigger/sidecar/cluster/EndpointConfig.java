package dev.outrigger.sidecar.cluster;

import java.util.Objects;

/**
 * One endpoint of a cluster: an IP literal and a port.
 *
 * @param address an IPv4 or IPv6 literal (no brackets)
 * @param port the TCP port, 1..65535
 * @param weight Envoy's {@code load_balancing_weight}, 1 when unset
 */
public record EndpointConfig(String address, int port, int weight) {

    public EndpointConfig {
        Objects.requireNonNull(address, "address");
    }

    /** {@code address:port}, with brackets around an IPv6 address. */
    public String hostPort() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
