package dev.outrigger.sidecar.config;

import static dev.outrigger.sidecar.config.ListenerYaml.L0;
import static dev.outrigger.sidecar.config.ListenerYaml.draft;
import static dev.outrigger.sidecar.config.ListenerYaml.entry;
import static dev.outrigger.sidecar.config.ListenerYaml.listener;
import static dev.outrigger.sidecar.config.ListenerYaml.tcp;
import static dev.outrigger.sidecar.config.TestBootstraps.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.sidecar.listener.TcpProxyConfig;
import dev.outrigger.sidecar.route.ClusterWeight;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpProxyTranslatorTest {

    private static final String AT = L0 + ".filter_chains[0].filters[0].typed_config";

    private static String bootstrap(String tcpLines) {
        return listener("filter_chains:\n" + entry(tcp(tcpLines)));
    }

    private static TcpProxyConfig proxy(String tcpLines) throws Exception {
        return draft(bootstrap(tcpLines)).chains().get(0).tcp();
    }

    @Test
    void oneClusterWithDefaults() throws Exception {
        assertEquals(new TcpProxyConfig("db", List.of(new ClusterWeight("postgres", 1)), Duration.ofHours(1)),
                proxy("stat_prefix: db\ncluster: postgres\n"));
        assertEquals(Duration.ofHours(1), TcpProxyConfig.DEFAULT_IDLE_TIMEOUT);
    }

    @Test
    void weightedClustersAndIdleTimeout() throws Exception {
        assertEquals(new TcpProxyConfig("split", List.of(new ClusterWeight("a", 3), new ClusterWeight("b", 1)),
                Duration.ofSeconds(30)), proxy("""
                stat_prefix: split
                weighted_clusters:
                  clusters:
                  - { name: a, weight: 3 }
                  - { name: b, weight: 1 }
                idle_timeout: 30s
                """));
    }

    @Test
    void theSourceIpHashPolicyIsTheOnlyOne() throws Exception {
        assertEquals(true, proxy("stat_prefix: db\ncluster: c\nhash_policy: [ { source_ip: {} } ]\n").hashSourceIp());
        assertEquals(false, proxy("stat_prefix: db\ncluster: c\n").hashSourceIp());
        assertRejected(bootstrap("stat_prefix: db\ncluster: c\nhash_policy: [ { filter_state: { key: k } } ]\n"),
                AT + ".hash_policy[0]", "only source_ip is supported");
        assertRejected(bootstrap("stat_prefix: db\ncluster: c\nhash_policy: [ { source_ip: {} }, { source_ip: {} } ]\n"),
                AT + ".hash_policy", "give at most one entry (source_ip)");
    }

    @Test
    void zeroIdleTimeoutDisablesIt() throws Exception {
        assertEquals(Duration.ZERO, proxy("stat_prefix: db\ncluster: c\nidle_timeout: 0s\n").idleTimeout());
    }

    private static final String ACCESS_LOG = """
            access_log:
            - name: file
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                path: /var/log/outrigger/tcp.log
                log_format: { json_format: { bytes: "%BYTES_RECEIVED%", upstream: "%UPSTREAM_HOST%" } }
            """;

    @Test
    void accessLogsAreTranslated() throws Exception {
        TcpProxyConfig proxy = proxy("stat_prefix: db\ncluster: c\n" + ACCESS_LOG);
        assertEquals(1, proxy.accessLogs().size());
        assertEquals(dev.outrigger.sidecar.accesslog.AccessLogTarget.file(java.nio.file.Path.of(
                "/var/log/outrigger/tcp.log")), proxy.accessLogs().get(0).target());
        assertEquals(proxy, proxy("stat_prefix: db\ncluster: c\n" + ACCESS_LOG), "equal for config diffing");
        assertEquals(List.of(), proxy("stat_prefix: db\ncluster: c\n").accessLogs());
    }

    @Test
    void anInvalidAccessLogIsRejectedWithItsPath() {
        assertRejected(bootstrap("stat_prefix: db\ncluster: c\n" + ACCESS_LOG.replace("%BYTES_RECEIVED%", "%BYTES%")),
                AT + ".access_log[0].typed_config.log_format.json_format[\"bytes\"]",
                "unknown command operator %BYTES%: not one Outrigger supports (docs/observability.md lists them)");
    }

    @Test
    void statPrefixAndClusterAreRequired() {
        assertRejected(bootstrap("cluster: c\n"), AT + ".stat_prefix",
                "required, as in Envoy (it prefixes this proxy's statistics)");
        assertRejected(bootstrap("stat_prefix: db\n"), AT, "one of cluster or weighted_clusters is required");
        assertRejected(bootstrap("stat_prefix: db\ncluster: \"\"\n"), AT + ".cluster", "must not be empty");
    }

    @Test
    void weightedClusterErrors() {
        assertRejected(bootstrap("stat_prefix: s\nweighted_clusters: { clusters: [] }\n"),
                AT + ".weighted_clusters.clusters", "at least one cluster is required");
        assertRejected(bootstrap("stat_prefix: s\nweighted_clusters: { clusters: [ { name: a, weight: 1 }, { name: b } ] }\n"),
                AT + ".weighted_clusters.clusters[1].weight", "must be at least 1");
        assertRejected(bootstrap("stat_prefix: s\nweighted_clusters: { clusters: [ { weight: 1 } ] }\n"),
                AT + ".weighted_clusters.clusters[0].name", "must not be empty");
        assertRejected(bootstrap("stat_prefix: s\nweighted_clusters: { clusters: ["
                        + " { name: a, weight: 4294967295 }, { name: b, weight: 1 } ] }\n"),
                AT + ".weighted_clusters.clusters", "sum of weights is 4294967296; it must be at most 4294967295");
        assertRejected(bootstrap("stat_prefix: s\nweighted_clusters: { clusters: ["
                        + " { name: a, weight: 1, metadata_match: { filter_metadata: { a: { b: c } } } } ] }\n"),
                AT + ".weighted_clusters.clusters[0].metadata_match",
                "field is not supported by Outrigger (supported here: name, weight)");
    }

    @Test
    void negativeIdleTimeoutIsRejected() {
        assertRejected(bootstrap("stat_prefix: s\ncluster: c\nidle_timeout: -2s\n"), AT + ".idle_timeout",
                "must not be negative, got -2s");
    }

    @Test
    void otherTcpProxyFieldsAreRejected() {
        assertRejected(bootstrap("stat_prefix: s\ncluster: c\nmax_connect_attempts: 3\n"),
                AT + ".max_connect_attempts",
                "field is not supported by Outrigger (supported here: access_log, cluster, hash_policy, idle_timeout,"
                        + " stat_prefix, weighted_clusters)");
        assertRejected(bootstrap("stat_prefix: s\ncluster: c\ntunneling_config: { hostname: h }\n"),
                AT + ".tunneling_config",
                "field is not supported by Outrigger (supported here: access_log, cluster, hash_policy, idle_timeout,"
                        + " stat_prefix, weighted_clusters)");
    }
}
