package dev.outrigger.sidecar.admin;

import dev.outrigger.proto.admin.v1.ClustersStatus;
import dev.outrigger.proto.admin.v1.ServerInfo;

/** What the admin endpoint asks of the running process. Calls come from the admin event loop. */
public interface AdminBackend {

    /** True once listeners are bound and until draining starts. */
    boolean isReady();

    /** Version, state, uptime and transport. */
    ServerInfo serverInfo();

    /** The active configuration as Envoy {@code ConfigDump} JSON. */
    String configDumpJson();

    /** The control-plane stream and what each resource type last ACKed or NACKed, as JSON. */
    String configStatusJson();

    /** Every TLS certificate in use: source, SPIFFE ID, serial, seconds to expiry, as JSON. */
    String certsJson();

    /** Every cluster with its endpoints and their counters. */
    ClustersStatus clusters();

    /** The Prometheus text exposition. */
    String prometheusScrape();

    /** Starts draining and then stopping the process; returns at once. */
    void startDrain();
}
