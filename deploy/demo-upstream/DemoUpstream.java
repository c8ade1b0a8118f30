import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server to put behind Outrigger in demos: it answers every request with 200, an
 * {@code x-demo-upstream} header naming itself, and a plain-text body that names it again and
 * echoes the method, the path and the headers a proxy sets. JDK only, so it runs straight from
 * source:
 *
 * <pre>
 *   java deploy/demo-upstream/DemoUpstream.java --name demo-1 --port 8081
 * </pre>
 *
 * It binds 127.0.0.1 only: it is a demo, not something to expose.
 */
public final class DemoUpstream {

    /** The request headers worth seeing through a proxy, in the order they are printed. */
    private static final List<String> ECHOED = List.of("host", "x-forwarded-for", "x-forwarded-proto", "x-request-id");

    public static void main(String[] args) throws IOException {
        String name = null;
        Integer port = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (flag.equals("--name") && value != null) {
                name = value;
                i++;
            } else if (flag.equals("--port") && value != null) {
                try {
                    port = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    usage("--port must be a number, got '" + value + "'");
                }
                i++;
            } else {
                usage("unexpected argument '" + flag + "'");
            }
        }
        if (name == null || port == null) {
            usage("--name and --port are required");
        }
        if (port < 1 || port > 65535) {
            usage("--port must be 1..65535, got " + port);
        }

        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
        HttpServer server;
        try {
            server = HttpServer.create(address, 128);
        } catch (BindException e) {
            System.err.println("demo-upstream " + name + ": cannot bind 127.0.0.1:" + port + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        String self = name;
        server.createContext("/", exchange -> answer(exchange, self));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("demo-upstream " + name + " listening on 127.0.0.1:" + port);
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

    private static void usage(String problem) {
        System.err.println("demo-upstream: " + problem);
        System.err.println("usage: java deploy/demo-upstream/DemoUpstream.java --name NAME --port PORT");
        System.exit(2);
    }
}
