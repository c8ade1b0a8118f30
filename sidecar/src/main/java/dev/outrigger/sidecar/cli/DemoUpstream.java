package dev.outrigger.sidecar.cli;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server to put behind Outrigger when trying it out: every request gets 200, an
 * {@code x-demo-upstream} header naming the server, and a text body that names it again and
 * echoes the method, the target and the headers a proxy sets. Binds 127.0.0.1 only.
 */
final class DemoUpstream implements AutoCloseable {

    /** The request headers worth seeing through a proxy, in the order they are printed. */
    private static final List<String> ECHOED = List.of("host", "x-forwarded-for", "x-forwarded-proto", "x-request-id");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    private DemoUpstream(String name, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        server.createContext("/", exchange -> answer(exchange, name));
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a server called {@code name} on 127.0.0.1:{@code port} (0 for any free port). */
    static DemoUpstream start(String name, int port) throws IOException {
        return new DemoUpstream(name, port);
    }

    /** The bound port. */
    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void answer(HttpExchange exchange, String name) throws IOException {
        try (exchange) {
            // Read the request body to the end so the connection can be reused.
            try (InputStream in = exchange.getRequestBody()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            String target = exchange.getRequestURI().getRawPath();
            if (exchange.getRequestURI().getRawQuery() != null) {
                target += "?" + exchange.getRequestURI().getRawQuery();
            }
            StringBuilder body = new StringBuilder();
            body.append(name).append(": ").append(exchange.getRequestMethod()).append(' ').append(target).append('\n');
            Headers headers = exchange.getRequestHeaders();
            for (String header : ECHOED) {
                List<String> values = headers.get(header);
                body.append("  ").append(header).append(": ")
                        .append(values == null ? "(not set)" : String.join(", ", values)).append('\n');
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "text/plain; charset=utf-8");
            exchange.getResponseHeaders().set("x-demo-upstream", name);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : bytes.length);
            if (!head) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }
}
