package dev.outrigger.sidecar.xds;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients sending GET requests to a listener without pause, counting answers by body and
 * keeping every failure (an exception or a status other than 200).
 */
final class LoadLoop implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong ok = new AtomicLong();
    private final Map<String, Long> bodies = new ConcurrentHashMap<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();

    private LoadLoop() {
    }

    /** Starts {@code clients} threads, each sending GET {@code path} to {@code listener} over keep-alive. */
    static LoadLoop start(XdsFixture f, String listener, String path, int clients) {
        LoadLoop loop = new LoadLoop();
        for (int i = 0; i < clients; i++) {
            loop.run("load-" + i, () -> {
                HttpResponse<String> r = f.get(listener, path);
                return r.statusCode() == 200 ? r.body() : null;
            });
        }
        return loop;
    }

    /** Starts {@code clients} threads, each sending GET {@code path} to 127.0.0.1:{@code port} with {@code http}. */
    static LoadLoop start(java.net.http.HttpClient http, int port, String path, int clients) {
        LoadLoop loop = new LoadLoop();
        for (int i = 0; i < clients; i++) {
            loop.run("load-" + i, () -> {
                HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + path))
                        .timeout(java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? r.body() : null;
            });
        }
        return loop;
    }

    /** A request: returns the body of a success, null for a failure. */
    @FunctionalInterface
    interface Request {
        String send() throws Exception;
    }

    /** Adds a client thread running {@code request} until {@link #close()}. */
    void run(String name, Request request) {
        Thread t = new Thread(() -> {
            while (running.get()) {
                try {
                    String body = request.send();
                    if (body != null) {
                        ok.incrementAndGet();
                        bodies.merge(body, 1L, Long::sum);
                    } else {
                        failures.add(name + ": not a 200");
                    }
                } catch (Exception e) {
                    failures.add(name + ": " + e);
                }
            }
        }, name);
        t.start();
        threads.add(t);
    }

    /** Requests answered 200. */
    long ok() {
        return ok.get();
    }

    /** Answers by body. */
    Map<String, Long> bodies() {
        return bodies;
    }

    /** Every failure so far. */
    List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    /** Stops the clients and waits for them. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
    }
}
