package dev.outrigger.sidecar.server;

import dev.outrigger.sidecar.config.ConfigLoader;
import dev.outrigger.sidecar.snapshot.BootstrapConfig;
import dev.outrigger.testing.RawHttpClient;
import dev.outrigger.testing.TestUpstream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real sidecar started from YAML text on ephemeral ports, for integration tests. In the YAML,
 * {@code ${name}} is replaced by the port of the upstream with that name.
 */
public final class ProxyFixture implements AutoCloseable {

    private final Sidecar sidecar;
    private final Path file;

    private ProxyFixture(Sidecar sidecar, Path file) {
        this.sidecar = sidecar;
        this.file = file;
    }

    /** Starts a sidecar from {@code yaml} with the admin endpoint on an ephemeral port. */
    public static ProxyFixture start(String yaml, TestUpstream... upstreams) throws Exception {
        Path file = write(yaml, upstreams);
        BootstrapConfig loaded = ConfigLoader.load(file);
        BootstrapConfig config = new BootstrapConfig(
                loaded.server().withAdminAddress(new InetSocketAddress("127.0.0.1", 0)), loaded.snapshot());
        return new ProxyFixture(Sidecar.start(config, file.toString()), file);
    }

    /** Starts a sidecar from records built in the test, with the admin endpoint on an ephemeral port. */
    public static ProxyFixture start(BootstrapConfig config) throws Exception {
        Path file = Files.createTempFile("outrigger-test", ".yaml");
        BootstrapConfig adminless = new BootstrapConfig(
                config.server().withAdminAddress(new InetSocketAddress("127.0.0.1", 0)), config.snapshot());
        return new ProxyFixture(Sidecar.start(adminless, file.toString()), file);
    }

    /** Writes {@code yaml} with upstream ports filled in to a temporary file. */
    public static Path write(String yaml, TestUpstream... upstreams) throws IOException {
        String text = yaml;
        for (TestUpstream u : upstreams) {
            text = text.replace("${" + u.name() + "}", Integer.toString(u.port()));
        }
        Path file = Files.createTempFile("outrigger-test", ".yaml");
        Files.writeString(file, text);
        file.toFile().deleteOnExit();
        return file;
    }

    /** The running sidecar. */
    public Sidecar sidecar() {
        return sidecar;
    }

    /** The port a listener is bound to. */
    public int port(String listener) {
        return sidecar.listenerAddress(listener).getPort();
    }

    /** The admin endpoint's port. */
    public int adminPort() {
        return sidecar.adminAddress().getPort();
    }

    /** A raw client connected to a listener. */
    public RawHttpClient client(String listener) throws IOException {
        return RawHttpClient.connect(port(listener));
    }

    /** GET on the admin endpoint with the JDK client. */
    public HttpResponse<String> admin(String method, String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort() + path));
        b.method(method, HttpRequest.BodyPublishers.noBody());
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The body of a GET on the admin endpoint. */
    public String admin(String path) {
        try {
            return admin("GET", path).body();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JDK HTTP/1.1 client for tests that do not need byte-level control. */
    public static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Override
    public void close() throws IOException {
        sidecar.close();
        Files.deleteIfExists(file);
    }
}
