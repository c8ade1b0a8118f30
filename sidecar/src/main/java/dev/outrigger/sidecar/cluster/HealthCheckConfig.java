package dev.outrigger.sidecar.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One active health check of a cluster, as configured by Envoy's {@code HealthCheck}: when to
 * probe every endpoint, how many results move it out of and back into the balancer, and what a
 * probe sends (an HTTP request, TCP bytes, or a gRPC {@code Health/Check} call). Immutable.
 *
 * @param timeout how long one probe may take (connect included) before it counts as a failure
 * @param interval the time between the end of one probe of an endpoint and the start of the next
 * @param intervalJitter up to this much is added at random to every interval
 * @param intervalJitterPercent up to this percentage of the interval is added at random
 * @param initialJitter the first probe of an endpoint waits up to this long at random
 * @param unhealthyThreshold consecutive failures that take a healthy endpoint out
 * @param healthyThreshold consecutive successes that bring a failed endpoint back
 * @param unhealthyInterval the interval while the endpoint is failed ({@code interval} if not set)
 * @param unhealthyEdgeInterval the interval right after the endpoint was marked failed
 * @param healthyEdgeInterval the interval right after the endpoint was marked healthy again
 * @param probe what one probe does
 */
public record HealthCheckConfig(
        Duration timeout,
        Duration interval,
        Duration intervalJitter,
        int intervalJitterPercent,
        Duration initialJitter,
        int unhealthyThreshold,
        int healthyThreshold,
        Duration unhealthyInterval,
        Duration unhealthyEdgeInterval,
        Duration healthyEdgeInterval,
        Probe probe) {

    public HealthCheckConfig {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(intervalJitter, "intervalJitter");
        Objects.requireNonNull(initialJitter, "initialJitter");
        Objects.requireNonNull(unhealthyInterval, "unhealthyInterval");
        Objects.requireNonNull(unhealthyEdgeInterval, "unhealthyEdgeInterval");
        Objects.requireNonNull(healthyEdgeInterval, "healthyEdgeInterval");
        Objects.requireNonNull(probe, "probe");
    }

    /** A check with no jitter and no special intervals. */
    public static HealthCheckConfig simple(Duration timeout, Duration interval, int unhealthyThreshold,
            int healthyThreshold, Probe probe) {
        return new HealthCheckConfig(timeout, interval, Duration.ZERO, 0, Duration.ZERO, unhealthyThreshold,
                healthyThreshold, interval, interval, interval, probe);
    }

    /** What a probe sends and what it expects: {@link Http}, {@link Tcp} or {@link Grpc}. */
    public sealed interface Probe permits Http, Tcp, Grpc {
    }

    /**
     * An HTTP/1.1 GET; the endpoint is healthy when the status is in {@code expectedStatuses}.
     *
     * @param host the Host header (the cluster name when empty)
     * @param path the request path
     * @param expectedStatuses statuses that pass, as [start, end) ranges
     * @param retriableStatuses statuses that fail but only count toward the unhealthy threshold
     *     (any other status takes the endpoint out at once, as in Envoy)
     * @param headers extra request headers, name and value in turn
     */
    public record Http(String host, String path, List<StatusRange> expectedStatuses,
            List<StatusRange> retriableStatuses, List<String> headers) implements Probe {

        public Http {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(path, "path");
            expectedStatuses = List.copyOf(expectedStatuses);
            retriableStatuses = List.copyOf(retriableStatuses);
            headers = List.copyOf(headers);
        }

        /** Whether {@code status} passes. */
        public boolean expected(int status) {
            return StatusRange.any(expectedStatuses, status);
        }

        /** Whether a failing {@code status} only counts toward the threshold. */
        public boolean retriable(int status) {
            return StatusRange.any(retriableStatuses, status);
        }
    }

    /**
     * HTTP statuses from {@code start} (inclusive) to {@code end} (exclusive).
     *
     * @param start the first status
     * @param end one past the last status
     */
    public record StatusRange(int start, int end) {

        /** Envoy's default expected statuses: 200 only. */
        public static final List<StatusRange> DEFAULT_EXPECTED = List.of(new StatusRange(200, 201));

        static boolean any(List<StatusRange> ranges, int status) {
            for (StatusRange r : ranges) {
                if (status >= r.start && status < r.end) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A TCP connection; with {@code send} empty a successful connect passes, else {@code send} is
     * written and the endpoint passes once every {@code receive} block has arrived, in order.
     *
     * @param send the bytes written after connecting
     * @param receive the blocks expected back, each found after the previous one
     */
    public record Tcp(byte[] send, List<byte[]> receive) implements Probe {

        public Tcp {
            send = send.clone();
            receive = receive.stream().map(byte[]::clone).toList();
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Tcp t) || !java.util.Arrays.equals(send, t.send) || receive.size() != t.receive.size()) {
                return false;
            }
            for (int i = 0; i < receive.size(); i++) {
                if (!java.util.Arrays.equals(receive.get(i), t.receive.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = java.util.Arrays.hashCode(send);
            for (byte[] r : receive) {
                h = 31 * h + java.util.Arrays.hashCode(r);
            }
            return h;
        }

        @Override
        public String toString() {
            return "Tcp[send=" + send.length + " bytes, receive=" + receive.size() + " blocks]";
        }
    }

    /**
     * A {@code grpc.health.v1.Health/Check} call over HTTP/2 (prior knowledge); SERVING passes.
     *
     * @param serviceName the service asked about (empty: the server as a whole)
     * @param authority the {@code :authority} (the cluster name when empty)
     */
    public record Grpc(String serviceName, String authority) implements Probe {

        public Grpc {
            Objects.requireNonNull(serviceName, "serviceName");
            Objects.requireNonNull(authority, "authority");
        }
    }
}
