package dev.outrigger.sidecar.server;

import static dev.outrigger.sidecar.server.TcpTestConfigs.base;
import static dev.outrigger.sidecar.server.TcpTestConfigs.connect;
import static dev.outrigger.sidecar.server.TcpTestConfigs.tcpListener;
import static dev.outrigger.sidecar.server.TcpTestConfigs.withListeners;
import static dev.outrigger.sidecar.server.TestConfigs.clusterOnPorts;
import static dev.outrigger.sidecar.accesslog.LogFiles.awaitLines;
import static dev.outrigger.sidecar.accesslog.LogFiles.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.accesslog.AccessLogConfig;
import dev.outrigger.sidecar.accesslog.AccessLogTarget;
import dev.outrigger.sidecar.accesslog.Template;
import dev.outrigger.sidecar.accesslog.TextFormat;
import dev.outrigger.sidecar.listener.TcpProxyConfig;
import dev.outrigger.sidecar.route.ClusterWeight;
import dev.outrigger.testing.TestTcpServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TCP proxy's access log: one line per connection when it closes, through a real sidecar. */
class TcpAccessLogTest {

    private static final String FORMAT = "%UPSTREAM_CLUSTER% %UPSTREAM_HOST% %BYTES_RECEIVED% %BYTES_SENT% "
            + "%RESPONSE_FLAGS% %DURATION% %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT% %DOWNSTREAM_LOCAL_ADDRESS% "
            + "%REQ(:METHOD)% %PROTOCOL% %RESPONSE_CODE%\n";

    @TempDir
    Path dir;

    private Sidecar start(int port, Path log) throws Exception {
        TcpProxyConfig proxy = new TcpProxyConfig("echo", List.of(new ClusterWeight("echo", 1)), Duration.ZERO,
                List.of(new AccessLogConfig("tcp", null, AccessLogTarget.file(log),
                        TextFormat.of(Template.parse(FORMAT), false))));
        return Sidecar.start(withListeners(base("echo", clusterOnPorts("echo", "", port)), tcpListener("tcp", proxy)),
                "test");
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    @Test
    void aConnectionIsOneLineWithItsByteCountsWhenItCloses() throws Exception {
        Path log = dir.resolve("tcp.log");
        try (TestTcpServer echo = TestTcpServer.echo(); Sidecar proxy = start(echo.port(), log)) {
            try (Socket s = connect(proxy, "tcp")) {
                send(s, "hello");
                assertEquals("hello", new String(s.getInputStream().readNBytes(5), StandardCharsets.ISO_8859_1));
                send(s, ", world");
                assertEquals(", world", new String(s.getInputStream().readNBytes(7), StandardCharsets.ISO_8859_1));
                assertEquals(List.of(), lines(log), "nothing before the connection ends");
            }
            String line = awaitLines(log, 1).get(0);
            String[] f = line.split(" ");
            assertEquals(11, f.length, line);
            assertEquals("echo", f[0]);
            assertEquals("127.0.0.1:" + echo.port(), f[1]);
            assertEquals("12", f[2], "bytes from the client");
            assertEquals("12", f[3], "bytes to the client");
            assertEquals("-", f[4], "no failure");
            assertTrue(Long.parseLong(f[5]) >= 0, line);
            assertEquals("127.0.0.1", f[6]);
            assertEquals("127.0.0.1:" + proxy.listenerAddress("tcp").getPort(), f[7]);
            assertEquals("- - -", f[8] + " " + f[9] + " " + f[10], "no request, protocol or status on TCP");
        }
    }

    @Test
    void aFailedUpstreamConnectionIsLoggedWithItsReasonCode() throws Exception {
        Path log = dir.resolve("tcp.log");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (Sidecar proxy = start(closed, log); Socket s = connect(proxy, "tcp")) {
            assertEquals(-1, s.getInputStream().read(), "closed by the proxy");
            String line = awaitLines(log, 1).get(0);
            assertTrue(line.startsWith("echo 127.0.0.1:" + closed + " 0 0 upstream_connect_failure "), line);
        }
    }
}
