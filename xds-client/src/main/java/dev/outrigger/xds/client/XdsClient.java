package dev.outrigger.xds.client;

import io.grpc.ManagedChannel;
import java.util.Set;

/**
 * The ADS stream to one control plane: subscribes to resource types, tracks versions and
 * nonces, ACKs and NACKs, reconnects with backoff and hands parsed resources to watchers.
 * All of its state lives on one serial executor.
 */
public final class XdsClient implements AutoCloseable {

    /**
     * A client over {@code channel} (which it closes on {@link #close()}); nothing is sent until
     * {@link #start()}.
     */
    public XdsClient(ManagedChannel channel, XdsClientOptions options, XdsEventListener events) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Registers the watcher of {@code type}. A wildcard type is subscribed with a wildcard; a
     * named type starts with no names (see {@link #subscribe}). Call before {@link #start()}.
     */
    public <T> void watch(XdsResourceType<T> type, XdsResourceWatcher<T> watcher) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Replaces the names subscribed for the named type {@code type}: newly named resources are
     * requested (and their does-not-exist timers started), names no longer listed are
     * unsubscribed and forgotten. Safe from any thread; from a watcher callback it takes effect
     * before the callback's ACK is sent.
     */
    public void subscribe(XdsResourceType<?> type, Set<String> names) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Opens the stream. */
    public void start() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The stream's state and each type's versions, NACKs and counts, as of now. Safe from any thread. */
    public XdsClientStatus status() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Closes the stream and the channel; no callback runs after this returns. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
