package dev.outrigger.sidecar.xds;

import com.google.common.net.InetAddresses;
import dev.outrigger.sidecar.listener.ListenerConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Listeners from LDS: the latest version of each, and the version bound now. A version warms
 * until every RDS route configuration it names has arrived (or is known not to exist); the bound
 * version serves meanwhile. Not thread-safe: the applier calls it under its lock.
 */
final class ListenerWarming {

    private final Map<String, ListenerConfig> staticListeners;
    private final Map<String, ListenerConfig> latest = new LinkedHashMap<>();
    private final Map<String, ListenerConfig> bound = new LinkedHashMap<>();
    /** Versions that failed to bind: not retried until a new version arrives. */
    private final Map<String, ListenerConfig> failed = new LinkedHashMap<>();
    private final InetSocketAddress admin;

    private final java.util.function.Predicate<String> secretReady;

    ListenerWarming(List<ListenerConfig> staticListeners, InetSocketAddress admin,
            java.util.function.Predicate<String> secretReady) {
        this.secretReady = secretReady;
        Map<String, ListenerConfig> byName = new LinkedHashMap<>();
        staticListeners.forEach(l -> byName.put(l.name(), l));
        this.staticListeners = Map.copyOf(byName);
        this.admin = admin;
    }

    /** Why LDS may not deliver {@code listener}, or null if it may. */
    String refusal(ListenerConfig listener, Map<String, ListenerConfig> sameResponse) {
        if (staticListeners.containsKey(listener.name())) {
            return "a static listener of the bootstrap has this name; LDS cannot replace it";
        }
        InetSocketAddress address = listener.address();
        if (admin != null && ListenerConfig.addressesClash(address, admin)) {
            return "address " + show(address) + " clashes with the admin endpoint";
        }
        List<ListenerConfig> others = new ArrayList<>(staticListeners.values());
        others.addAll(latest.values());
        others.addAll(bound.values());
        others.addAll(sameResponse.values());
        for (ListenerConfig other : others) {
            if (!other.name().equals(listener.name()) && ListenerConfig.addressesClash(address, other.address())) {
                return "address " + show(address) + " clashes with listener \"" + other.name() + "\" at "
                        + show(other.address());
            }
        }
        return null;
    }

    void put(ListenerConfig listener) {
        latest.put(listener.name(), listener);
    }

    /** {@code listener} could not be bound. */
    void failed(ListenerConfig listener) {
        failed.put(listener.name(), listener);
    }

    /** Forgets {@code name}; true if a version of it was bound. */
    boolean remove(String name) {
        latest.remove(name);
        failed.remove(name);
        return bound.remove(name) != null;
    }

    /** {@code listener} is bound now. */
    void bound(ListenerConfig listener) {
        bound.put(listener.name(), listener);
    }

    /** Latest versions not bound yet whose routes have all arrived. */
    List<ListenerConfig> readyToBind() {
        List<ListenerConfig> ready = new ArrayList<>();
        for (ListenerConfig l : latest.values()) {
            if (bound.get(l.name()) != l && failed.get(l.name()) != l && ready(l)) {
                ready.add(l);
            }
        }
        return ready;
    }

    /**
     * Whether every listener's latest version is bound (or has been tried), and every static
     * listener has the RDS routes it names.
     */
    boolean allWarm() {
        for (ListenerConfig l : staticListeners.values()) {
            if (!ready(l)) {
                return false;
            }
        }
        for (ListenerConfig l : latest.values()) {
            if (bound.get(l.name()) != l && !ready(l)) {
                return false;
            }
        }
        return true;
    }

    // Routes and secrets: a listener serves once what it names has arrived (or is known missing).
    private boolean ready(ListenerConfig l) {
        if (!l.routesReady()) {
            return false;
        }
        for (String secret : l.sdsNames()) {
            if (!secretReady.test(secret)) {
                return false;
            }
        }
        return true;
    }

    /** SDS names every listener needs: static ones, latest versions, and bound versions still serving. */
    Set<String> sdsNames() {
        Set<String> names = new TreeSet<>();
        staticListeners.values().forEach(l -> names.addAll(l.sdsNames()));
        latest.values().forEach(l -> names.addAll(l.sdsNames()));
        bound.values().forEach(l -> names.addAll(l.sdsNames()));
        return names;
    }

    /** RDS names every listener needs: static ones, latest versions, and bound versions still serving. */
    Set<String> rdsNames() {
        Set<String> names = new TreeSet<>();
        staticListeners.values().forEach(l -> names.addAll(l.rdsNames()));
        latest.values().forEach(l -> names.addAll(l.rdsNames()));
        bound.values().forEach(l -> names.addAll(l.rdsNames()));
        return names;
    }

    private static String show(InetSocketAddress a) {
        String host = InetAddresses.toAddrString(a.getAddress());
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
