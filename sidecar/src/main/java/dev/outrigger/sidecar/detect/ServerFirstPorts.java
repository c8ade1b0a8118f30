package dev.outrigger.sidecar.detect;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The destination ports of one listener on which a client stayed silent for the whole detection
 * timeout: protocols where the server speaks first (SMTP, MySQL, ...). A later connection to such
 * a port is taken to be silent at once, so the timeout is paid once per port, not per connection.
 *
 * <p>Ports are only ever added, for the life of the listener. Every event loop reads the set
 * for every connection and it changes rarely (once per port), so it is a sorted array replaced
 * whole on change: a lookup is a binary search that neither locks nor allocates.
 */
public final class ServerFirstPorts {

    private static final int[] NONE = new int[0];

    private final AtomicReference<int[]> ports = new AtomicReference<>(NONE);

    /** Whether {@code port} was found to be server-first. */
    public boolean contains(int port) {
        return Arrays.binarySearch(ports.get(), port) >= 0;
    }

    /** Records {@code port} as server-first; false if it already was. */
    public boolean add(int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
        while (true) {
            int[] current = ports.get();
            int at = Arrays.binarySearch(current, port);
            if (at >= 0) {
                return false;
            }
            int insert = -at - 1;
            int[] next = new int[current.length + 1];
            System.arraycopy(current, 0, next, 0, insert);
            next[insert] = port;
            System.arraycopy(current, insert, next, insert + 1, current.length - insert);
            if (ports.compareAndSet(current, next)) {
                return true;
            }
        }
    }

    /** Forgets {@code port}: a client there spoke first after all. False if it was not recorded. */
    public boolean remove(int port) {
        while (true) {
            int[] current = ports.get();
            int at = Arrays.binarySearch(current, port);
            if (at < 0) {
                return false;
            }
            int[] next = new int[current.length - 1];
            System.arraycopy(current, 0, next, 0, at);
            System.arraycopy(current, at + 1, next, at, current.length - at - 1);
            if (ports.compareAndSet(current, next)) {
                return true;
            }
        }
    }

    /** How many ports are recorded. */
    public int size() {
        return ports.get().length;
    }
}
