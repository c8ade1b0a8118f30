package dev.outrigger.sidecar.cluster;

import java.util.Objects;

/**
 * One endpoint of a cluster: an IP literal and a port, with what EDS says about it.
 *
 * @param address an IPv4 or IPv6 literal (no brackets)
 * @param port the TCP port, 1..65535
 * @param weight Envoy's {@code load_balancing_weight}, 1 when unset
 * @param health the health status the control plane reported ({@code UNKNOWN} when it said nothing)
 * @param priority the priority of its locality group, 0 the highest
 * @param locality where it runs ({@link Locality#NONE} when unset)
 */
public record EndpointConfig(String address, int port, int weight, HealthStatus health, int priority,
        Locality locality) {

    /** An endpoint of unknown health at priority 0 without a locality. */
    public EndpointConfig(String address, int port, int weight) {
        this(address, port, weight, HealthStatus.UNKNOWN, 0, Locality.NONE);
    }

    public EndpointConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(locality, "locality");
    }

    /** {@code address:port}, with brackets around an IPv6 address. */
    public String hostPort() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    /** Envoy's health status of an endpoint, as EDS reports it. */
    public enum HealthStatus {
        /** Nothing reported: treated as healthy. */
        UNKNOWN,
        /** Healthy. */
        HEALTHY,
        /** Unhealthy: receives no requests. */
        UNHEALTHY,
        /** Being taken out of service: receives no new requests. */
        DRAINING,
        /** Health checks timed out: treated as unhealthy. */
        TIMEOUT,
        /** Serving, but worse than a healthy endpoint: used only when no healthy endpoint is left. */
        DEGRADED;

        /** Whether a request may be sent to an endpoint in this state when healthy ones exist. */
        public boolean servesTraffic() {
            return this == UNKNOWN || this == HEALTHY;
        }
    }

    /**
     * The locality of an endpoint, from Envoy's {@code Locality}.
     *
     * @param region region, may be empty
     * @param zone zone, may be empty
     * @param subZone sub-zone, may be empty
     */
    public record Locality(String region, String zone, String subZone) {

        /** No locality. */
        public static final Locality NONE = new Locality("", "", "");

        public Locality {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(subZone, "subZone");
        }

        @Override
        public String toString() {
            return this.equals(NONE) ? "" : region + "/" + zone + "/" + subZone;
        }
    }
}
