package dev.outrigger.sidecar.xds;

import dev.outrigger.sidecar.config.ConfigLoader;
import dev.outrigger.sidecar.server.Sidecar;
import dev.outrigger.testing.Await;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** A sidecar driven by a {@link TestControlPlane}, with an HTTP client for its listeners and admin endpoint. */
final class XdsFixture implements AutoCloseable {

    static final String NODE = "sidecar-1";
    static final Duration WAIT = Duration.ofSeconds(15);

    final TestControlPlane controlPlane;
    final Sidecar sidecar;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private XdsFixture(TestControlPlane controlPlane, Sidecar sidecar) {
        this.controlPlane = controlPlane;
        this.sidecar = sidecar;
    }

    /**
     * Starts a sidecar with a bootstrap pointing at {@code controlPlane}.
     *
     * @param apiType GRPC or DELTA_GRPC
     */
    static XdsFixture start(TestControlPlane controlPlane, Path dir, String apiType, String initialFetchTimeout)
            throws Exception {
        Path file = dir.resolve("bootstrap-" + apiType + ".yaml");
        Files.writeString(file, XdsResources.bootstrap(NODE, controlPlane.port(), apiType, initialFetchTimeout));
        return new XdsFixture(controlPlane, Sidecar.start(ConfigLoader.load(file), file.toString()));
    }

    /** GET {@code path} on the listener {@code listener}. */
    HttpResponse<String> get(String listener, String path) throws Exception {
        InetSocketAddress a = sidecar.listenerAddress(listener);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET an admin path's body. */
    String admin(String path) throws Exception {
        return adminResponse(path).body();
    }

    HttpResponse<String> adminResponse(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.adminAddress().getPort()
                + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until {@code /ready} says 200. */
    void awaitReady() throws TimeoutException {
        await("ready", () -> adminResponse("/ready").statusCode() == 200);
    }

    /** Waits until GET {@code path} on {@code listener} answers 200 with {@code body}. */
    void awaitBody(String listener, String path, String body) throws TimeoutException {
        await(listener + path + " answers " + body, () -> {
            HttpResponse<String> r = get(listener, path);
            return r.statusCode() == 200 && r.body().equals(body);
        });
    }

    /** A check that may throw; a throw counts as not yet. */
    @FunctionalInterface
    interface Check {
        boolean test() throws Exception;
    }

    static void await(String what, Check check) throws TimeoutException {
        Await.until(what, WAIT, () -> {
            try {
                return check.test();
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Override
    public void close() {
        sidecar.close();
    }
}
