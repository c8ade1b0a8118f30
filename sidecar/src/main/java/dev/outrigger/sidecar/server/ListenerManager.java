package dev.outrigger.sidecar.server;

import dev.outrigger.sidecar.downstream.ChainInstaller;
import dev.outrigger.sidecar.downstream.ListenerChannelInitializer;
import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.downstream.ListenerServices;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.metrics.ProxyMetrics;
import dev.outrigger.sidecar.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound listeners: binds new ones, swaps the configuration of one whose address stays (the
 * socket is kept, new connections get the new configuration, old connections drain), and
 * drains removed ones. Changes come from one thread at a time (never an event loop: binding
 * waits); readers get an immutable map through a volatile field and never block.
 */
final class ListenerManager {

    private static final Logger log = LoggerFactory.getLogger(ListenerManager.class);

    private final EventLoopGroup workers;
    private final Transport transport;
    private final ChainInstaller installer;
    private final ProxyMetrics metrics;
    private final Duration drainTimeout;
    private final ListenerServices services;
    /** Bound listeners in the order they were added; replaced whole under {@link #changes}. */
    private volatile Map<String, Bound> bound = Map.of();
    private final Object changes = new Object();
    /** Contexts replaced or removed whose connections are still finishing. */
    private final Set<ListenerContext> retiring = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    ListenerManager(EventLoopGroup workers, Transport transport, ChainInstaller installer, ListenerServices services,
            ProxyMetrics metrics, Duration drainTimeout) {
        this.services = services;
        this.workers = workers;
        this.transport = transport;
        this.installer = installer;
        this.metrics = metrics;
        this.drainTimeout = drainTimeout;
    }

    /** A bound socket and the context new connections on it get. */
    private static final class Bound {
        volatile ListenerContext context;
        Channel channel;

        Bound(ListenerContext context) {
            this.context = context;
        }
    }

    /** Binds {@code config}; throws with the operating system's reason when it cannot. */
    void add(ListenerConfig config) throws StartupException {
        synchronized (changes) {
            refuseWhenStopped(config);
            if (bound.containsKey(config.name())) {
                throw new IllegalStateException("listener " + config.name() + " is already bound");
            }
            Bound b = new Bound(context(config));
            try {
                b.channel = bind(config, b);
            } catch (StartupException | RuntimeException e) {
                b.context.release();
                throw e;
            }
            Map<String, Bound> next = new LinkedHashMap<>(bound);
            next.put(config.name(), b);
            bound = java.util.Collections.unmodifiableMap(next);
            log.info("listener '{}' listening on {}", config.name(), Sidecar.hostPort(address(b)));
        }
    }

    private void refuseWhenStopped(ListenerConfig config) throws StartupException {
        if (stopped) {
            throw new StartupException("the sidecar is draining; listener '" + config.name() + "' not changed", null);
        }
    }

    /**
     * Makes {@code config} the configuration of the bound listener with its name. The same address
     * keeps the socket (no connection is refused meanwhile); another address is bound first and
     * the old socket closed after. Connections opened before drain and close as they finish.
     */
    void replace(ListenerConfig config) throws StartupException {
        synchronized (changes) {
            Bound b = bound.get(config.name());
            if (b == null) {
                add(config);
                return;
            }
            refuseWhenStopped(config);
            ListenerContext old = b.context;
            ListenerContext next = context(config);
            if (!sameSocket(old.config().address(), config.address())) {
                Channel fresh;
                try {
                    fresh = bind(config, b);
                } catch (StartupException | RuntimeException e) {
                    next.release();
                    throw e;
                }
                Channel previous = b.channel;
                b.channel = fresh;
                previous.close().syncUninterruptibly();
            }
            b.context = next;
            retire(old);
            log.info("listener '{}' updated on {}", config.name(), Sidecar.hostPort(address(b)));
        }
    }

    /**
     * Closes the socket of the listener {@code name} (waiting, so that the address is free when
     * this returns) and drains its connections.
     */
    void remove(String name) {
        synchronized (changes) {
            Bound b = bound.get(name);
            if (b == null) {
                return;
            }
            Map<String, Bound> next = new LinkedHashMap<>(bound);
            next.remove(name);
            bound = java.util.Collections.unmodifiableMap(next);
            b.channel.close().syncUninterruptibly();
            retire(b.context);
            log.info("listener '{}' removed; draining {} connection(s)", name, b.context.openConnections());
        }
    }

    /** The bound address of the listener {@code name}, or null. */
    InetSocketAddress address(String name) {
        Bound b = bound.get(name);
        return b == null ? null : address(b);
    }

    /** The configurations of the bound listeners (not of those draining). */
    List<ListenerConfig> configs() {
        List<ListenerConfig> out = new ArrayList<>();
        for (Bound b : bound.values()) {
            out.add(b.context.config());
        }
        return out;
    }

    /** Names of the bound listeners, in the order they were added. */
    List<String> names() {
        return List.copyOf(bound.keySet());
    }

    /** Open connections, retiring listeners included. */
    int openConnections() {
        int n = 0;
        for (ListenerContext c : contexts()) {
            n += c.openConnections();
        }
        return n;
    }

    /**
     * Stops accepting everywhere and drains every connection; the future completes when none is
     * left. Listeners added afterwards are refused.
     */
    CompletableFuture<Void> drainAll() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        stopped = true;
        for (Bound b : bound.values()) {
            b.channel.close();
        }
        for (ListenerContext c : contexts()) {
            all.add(c.drain());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    /** Closes every open connection now, without waiting (safe on an event loop: the drain deadline). */
    void closeConnections() {
        contexts().forEach(ListenerContext::closeAll);
    }

    /** Closes every socket, waiting for each, and every connection (the process stops; not on an event loop). */
    void closeAll() {
        stopped = true;
        for (Bound b : bound.values()) {
            b.channel.close().syncUninterruptibly();
        }
        closeConnections();
    }

    private List<ListenerContext> contexts() {
        List<ListenerContext> all = new ArrayList<>();
        for (Bound b : bound.values()) {
            all.add(b.context);
        }
        all.addAll(retiring);
        return all;
    }

    // Old connections finish their requests and close; those still open at the deadline are closed.
    private void retire(ListenerContext old) {
        retiring.add(old);
        CompletableFuture<Void> done = old.drain();
        workers.next().schedule(() -> {
            if (!done.isDone()) {
                log.warn("listener '{}': closing {} connection(s) of its previous configuration at the drain deadline",
                        old.config().name(), old.openConnections());
                old.closeAll();
            }
        }, drainTimeout.toNanos(), TimeUnit.NANOSECONDS);
        // Releasing may wait (closing a client of another service): not on the event loop that saw the last close.
        done.whenCompleteAsync((v, e) -> {
            retiring.remove(old);
            old.release();
        });
    }

    /** Releases what every listener's filters opened, retiring ones included: the process stops, after {@link #closeAll}. */
    void releaseAll() {
        contexts().forEach(ListenerContext::release);
    }

    /** A new context for {@code config}; throws when its filters cannot be built. */
    private ListenerContext context(ListenerConfig config) throws StartupException {
        try {
            return new ListenerContext(config, metrics.listener(config.name()), services);
        } catch (RuntimeException e) {
            throw new StartupException("listener '" + config.name() + "': " + e.getMessage(), e);
        }
    }

    private Channel bind(ListenerConfig config, Bound b) throws StartupException {
        return Sidecar.bindOrFail("listener '" + config.name() + "'", config.address(), () -> new ServerBootstrap()
                .group(workers)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ListenerChannelInitializer(() -> b.context, installer))
                .bind(config.address())
                .sync()
                .channel());
    }

    // Port 0 asks for a fresh port: a listener configured that way keeps the one it got.
    private static boolean sameSocket(InetSocketAddress a, InetSocketAddress b) {
        return a.equals(b);
    }

    private static InetSocketAddress address(Bound b) {
        return (InetSocketAddress) b.channel.localAddress();
    }
}
