package dev.outrigger.sidecar.tcp;

import dev.outrigger.sidecar.accesslog.AccessLogEntry;
import dev.outrigger.sidecar.accesslog.AccessLogs;
import dev.outrigger.sidecar.downstream.ConnectionLogFields;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * The access log entry of one TCP proxy connection, made only when the proxy has access logs:
 * started when the connection is accepted, given its upstream, byte counts and failure as they
 * happen, and written once when the downstream connection closes. Runs on its event loop.
 */
final class TcpConnectionLog {

    private final AccessLogs logs;
    private final String listenerName;
    private final long startMillis = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();
    private long bytesReceived;
    private long bytesSent;
    private String upstreamCluster;
    private String upstreamHost;
    private String reason;
    private boolean written;

    private TcpConnectionLog(AccessLogs logs, String listenerName) {
        this.logs = logs;
        this.listenerName = listenerName;
    }

    /** The log of a new connection, or null when {@code logs} is empty. */
    static TcpConnectionLog start(AccessLogs logs, String listenerName) {
        return logs.isEmpty() ? null : new TcpConnectionLog(logs, listenerName);
    }

    void received(int bytes) {
        bytesReceived += bytes;
    }

    void sent(int bytes) {
        bytesSent += bytes;
    }

    /** The connection goes to {@code cluster}, to the endpoint {@code hostPort} (null when none was found). */
    void routedTo(String cluster, String hostPort) {
        upstreamCluster = cluster;
        upstreamHost = hostPort;
    }

    /** Why the proxy closed the connection itself: a reason code such as {@code upstream_connect_failure}. */
    void failed(String code) {
        reason = code;
    }

    /** The downstream connection {@code channel} closed: writes the entry, once. */
    void closed(Channel channel) {
        if (written) {
            return;
        }
        written = true;
        AccessLogEntry e = new AccessLogEntry()
                .kind(AccessLogEntry.Kind.TCP)
                .startMillis(startMillis)
                .durationMillis((System.nanoTime() - startNanos) / 1_000_000)
                .bytesReceived(bytesReceived)
                .bytesSent(bytesSent)
                .upstreamCluster(upstreamCluster)
                .upstreamHost(upstreamHost)
                .responseFlags(reason)
                .listenerName(listenerName);
        String remote = channel.remoteAddress() instanceof InetSocketAddress r ? AccessLogEntry.hostPort(r) : null;
        e.downstreamRemoteAddress(remote).downstreamDirectRemoteAddress(remote);
        if (channel.localAddress() instanceof InetSocketAddress local) {
            e.downstreamLocalAddress(AccessLogEntry.hostPort(local));
        }
        ConnectionLogFields.fill(e, channel);
        logs.log(e);
    }
}
