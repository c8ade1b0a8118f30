package dev.outrigger.sidecar.xds;

import dev.outrigger.sidecar.cluster.ClusterConfig;
import dev.outrigger.sidecar.cluster.ClusterEndpoints;
import dev.outrigger.sidecar.config.XdsTypes;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.metrics.XdsMetrics;
import dev.outrigger.sidecar.route.DynamicRoutes;
import dev.outrigger.sidecar.route.RouteRegistry;
import dev.outrigger.sidecar.route.RouteTable;
import dev.outrigger.sidecar.secret.SecretConfig;
import dev.outrigger.sidecar.secret.SecretConsumer;
import dev.outrigger.sidecar.snapshot.ResourceLog;
import dev.outrigger.sidecar.snapshot.ResourceLog.Kind;
import dev.outrigger.xds.client.XdsEventListener;
import dev.outrigger.xds.client.XdsResource;
import dev.outrigger.xds.client.XdsResourceType;
import dev.outrigger.xds.client.XdsResourceWatcher;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the ADS stream delivers into the running configuration: warms clusters until their
 * endpoints arrive and listeners until their routes arrive, subscribes to the RDS and EDS names
 * that listeners and clusters refer to, refuses what cannot run (a NACK names it), and says when
 * the first complete configuration serves.
 *
 * <p>Callbacks come from the client's serial executor and the initial-fetch timer; every entry
 * point holds this object's lock, so the state needs nothing more.
 */
public final class XdsConfigApplier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(XdsConfigApplier.class);

    /** Sets the names subscribed for a named type (the client's {@code subscribe}). */
    @FunctionalInterface
    public interface Subscriber {

        /** Subscribes {@code type} to exactly {@code names}. */
        void subscribe(XdsResourceType<?> type, Set<String> names);
    }

    private final XdsTypes types;
    private final DataPlane plane;
    private final RouteRegistry routes;
    private final ResourceLog resources = new ResourceLog();
    private final XdsMetrics metrics;
    private final SecretConsumer secrets;
    private final ClusterWarming clusters;
    private final ListenerWarming listeners;
    private final boolean ldsExpected;
    private final boolean cdsExpected;
    private final ScheduledExecutorService timer;
    private Subscriber subscriber;
    private Set<String> subscribedRoutes = Set.of();
    private Set<String> subscribedEndpoints = Set.of();
    private Set<String> subscribedSecrets = Set.of();
    /** Secrets that arrived, or are known not to exist (then false): what warming waits for. */
    private final Map<String, Boolean> secretsSeen = new java.util.HashMap<>();
    private boolean ldsSeen;
    private boolean cdsSeen;
    private volatile boolean initialized;

    /**
     * An applier over the bootstrap's static resources.
     *
     * @param lds whether listeners come from LDS
     * @param cds whether clusters come from CDS
     * @param admin the admin address, which no listener may take
     */
    public XdsConfigApplier(RouteRegistry routes, DataPlane plane, Map<String, ClusterConfig> staticClusters,
            List<ListenerConfig> staticListeners, InetSocketAddress admin, boolean lds, boolean cds,
            XdsMetrics metrics, SecretConsumer secrets) {
        this.routes = routes;
        this.types = new XdsTypes(routes);
        this.plane = plane;
        this.metrics = metrics;
        this.secrets = secrets;
        this.clusters = new ClusterWarming(staticClusters, this::secretReady);
        this.listeners = new ListenerWarming(staticListeners, admin, this::secretReady);
        this.ldsExpected = lds;
        this.cdsExpected = cds;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outrigger-xds-init");
            t.setDaemon(true);
            return t;
        });
    }

    /** The resource types, for registering watchers with the client. */
    public XdsTypes types() {
        return types;
    }

    /** What each dynamic resource is doing, for {@code /config_dump}. */
    public ResourceLog resources() {
        return resources;
    }

    /** The RDS route configurations referred to. */
    public RouteRegistry routes() {
        return routes;
    }

    /** Watcher of LDS. */
    public XdsResourceWatcher<ListenerConfig> listenerWatcher() {
        return new ForwardingWatcher<>(this::onListeners, name -> { });
    }

    /** Watcher of RDS. */
    public XdsResourceWatcher<RouteTable> routeWatcher() {
        return new ForwardingWatcher<>(this::onRoutes, this::onRouteMissing);
    }

    /** Watcher of CDS. */
    public XdsResourceWatcher<ClusterConfig> clusterWatcher() {
        return new ForwardingWatcher<>(this::onClusters, name -> { });
    }

    /** Watcher of EDS. */
    public XdsResourceWatcher<ClusterEndpoints> endpointWatcher() {
        return new ForwardingWatcher<>(this::onEndpoints, this::onEndpointsMissing);
    }

    /** Watcher of SDS. */
    public XdsResourceWatcher<SecretConfig> secretWatcher() {
        return new ForwardingWatcher<>(this::onSecrets, this::onSecretMissing);
    }

    /**
     * Subscribes to what the static resources refer to and starts the initial-fetch deadline:
     * after {@code initialFetchTimeout} without LDS or CDS responses the sidecar is declared
     * initialized with what it has, as Envoy does.
     */
    public synchronized void start(Subscriber subscriber, Duration initialFetchTimeout) {
        this.subscriber = subscriber;
        updateSubscriptions();
        plane.setClusters(clusters.active());
        bindReady(null);
        if (!initialFetchTimeout.isZero()) {
            timer.schedule(this::initialFetchTimedOut, initialFetchTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        checkInitialized();
    }

    private synchronized void initialFetchTimedOut() {
        if (!initialized && (!ldsSeen && ldsExpected || !cdsSeen && cdsExpected)) {
            log.warn("no {} from the control plane within the initial fetch timeout; serving what is there",
                    !ldsSeen && ldsExpected ? "listeners" : "clusters");
        }
        ldsSeen = true;
        cdsSeen = true;
        checkInitialized();
    }

    // --- LDS ---

    private synchronized Map<String, String> onListeners(Map<String, XdsResource<ListenerConfig>> changed,
            Set<String> removed) {
        ldsSeen = true;
        // Removals first, as Envoy's listener manager does: a listener may take over the
        // address of one removed in the same response.
        for (String name : removed) {
            if (listeners.remove(name)) {
                plane.removeListener(name);
            }
            resources.removed(Kind.LISTENER, name);
        }
        Map<String, String> refused = new LinkedHashMap<>();
        Map<String, ListenerConfig> accepted = new LinkedHashMap<>();
        for (XdsResource<ListenerConfig> r : changed.values()) {
            String reason = listeners.refusal(r.value(), accepted);
            if (reason != null) {
                refused.put(r.name(), reason);
            } else {
                accepted.put(r.name(), r.value());
                resources.received(Kind.LISTENER, r);
            }
        }
        accepted.values().forEach(listeners::put);
        updateSubscriptions();
        refused.putAll(bindReady(accepted.keySet()));
        checkInitialized();
        return refused;
    }

    /**
     * Binds every listener version whose routes are all there.
     *
     * @return bind failures of the listeners in {@code reportFor}, by name
     */
    private Map<String, String> bindReady(Set<String> reportFor) {
        Map<String, String> failures = new LinkedHashMap<>();
        boolean replaced = false;
        for (ListenerConfig l : listeners.readyToBind()) {
            String error = plane.putListener(l);
            if (error == null) {
                listeners.bound(l);
                applied(Kind.LISTENER, l.name());
                replaced = true;
            } else {
                listeners.failed(l);
                resources.failed(Kind.LISTENER, l.name(), error);
                log.warn("listener '{}' cannot serve: {}", l.name(), error);
                if (reportFor != null && reportFor.contains(l.name())) {
                    failures.put(l.name(), error);
                }
            }
        }
        if (replaced) {
            // A version that stopped serving may have been the last to use some route configuration.
            updateSubscriptions();
        }
        return failures;
    }

    // --- RDS ---

    private synchronized Map<String, String> onRoutes(Map<String, XdsResource<RouteTable>> changed,
            Set<String> removed) {
        for (XdsResource<RouteTable> r : changed.values()) {
            DynamicRoutes cell = routes.find(r.name());
            if (cell == null) {
                continue; // no listener refers to it (any more)
            }
            resources.received(Kind.ROUTE, r);
            cell.publish(r.value());
            applied(Kind.ROUTE, r.name());
        }
        for (String name : removed) {
            onRouteMissing(name);
        }
        bindReady(null);
        checkInitialized();
        return Map.of();
    }

    private synchronized void onRouteMissing(String name) {
        DynamicRoutes cell = routes.find(name);
        if (cell != null) {
            log.warn("route configuration '{}' does not exist; its listeners answer 404", name);
            cell.markMissing();
        }
        resources.removed(Kind.ROUTE, name);
        bindReady(null);
        checkInitialized();
    }

    // --- CDS and EDS ---

    private synchronized Map<String, String> onClusters(Map<String, XdsResource<ClusterConfig>> changed,
            Set<String> removed) {
        cdsSeen = true;
        Map<String, String> refused = new LinkedHashMap<>();
        for (XdsResource<ClusterConfig> r : changed.values()) {
            String reason = clusters.refusal(r.name());
            if (reason != null) {
                refused.put(r.name(), reason);
                continue;
            }
            clusters.put(r.value());
            resources.received(Kind.CLUSTER, r);
        }
        for (String name : removed) {
            clusters.remove(name);
            resources.removed(Kind.CLUSTER, name);
        }
        updateSubscriptions();
        applyClusters();
        return refused;
    }

    private synchronized Map<String, String> onEndpoints(Map<String, XdsResource<ClusterEndpoints>> changed,
            Set<String> removed) {
        for (XdsResource<ClusterEndpoints> r : changed.values()) {
            clusters.endpoints(r.value());
            resources.received(Kind.ENDPOINTS, r);
        }
        for (String name : removed) {
            clusters.noEndpoints(name);
            resources.removed(Kind.ENDPOINTS, name);
        }
        applyClusters();
        for (XdsResource<ClusterEndpoints> r : changed.values()) {
            applied(Kind.ENDPOINTS, r.name());
        }
        return Map.of();
    }

    private synchronized void onEndpointsMissing(String serviceName) {
        log.warn("no endpoints for '{}' within the initial fetch timeout; its clusters have none", serviceName);
        clusters.noEndpoints(serviceName);
        applyClusters();
    }

    private void applyClusters() {
        Map<String, ClusterConfig> active = clusters.active();
        plane.setClusters(active);
        for (String name : active.keySet()) {
            if (clusters.isWarm(name)) {
                applied(Kind.CLUSTER, name);
            }
        }
        checkInitialized();
    }

    // --- SDS ---

    private synchronized Map<String, String> onSecrets(Map<String, XdsResource<SecretConfig>> changed,
            Set<String> removed) {
        for (XdsResource<SecretConfig> r : changed.values()) {
            resources.received(Kind.SECRET, r);
            secrets.onSecret(r.value());
            secretsSeen.put(r.name(), true);
            applied(Kind.SECRET, r.name());
        }
        removed.forEach(this::onSecretMissing);
        warmAfterSecrets();
        return Map.of();
    }

    private synchronized void onSecretMissing(String name) {
        resources.removed(Kind.SECRET, name);
        secrets.onSecretRemoved(name);
        secretsSeen.put(name, false);
        warmAfterSecrets();
    }

    // Listeners and clusters waiting for their secrets may serve now (a missing secret stops the
    // wait; the TLS layer then refuses handshakes for lack of credentials).
    private void warmAfterSecrets() {
        applyClusters();
        bindReady(null);
        checkInitialized();
    }

    private boolean secretReady(String name) {
        return secretsSeen.containsKey(name);
    }

    // --- shared ---

    private void applied(Kind kind, String name) {
        ResourceLog.Entry before = resources.get(kind, name);
        if (before == null || before.applied()) {
            return;
        }
        Instant now = Instant.now();
        resources.applied(kind, name, now);
        if (metrics != null) {
            metrics.applied(kind.name().toLowerCase(java.util.Locale.ROOT),
                    Duration.between(before.receivedAt(), now));
        }
    }

    private void updateSubscriptions() {
        if (subscriber == null) {
            return;
        }
        Set<String> rds = listeners.rdsNames();
        routes.retainOnly(rds);
        if (!rds.equals(subscribedRoutes)) {
            subscribedRoutes = Set.copyOf(rds);
            subscriber.subscribe(types.routes, subscribedRoutes);
        }
        Set<String> eds = clusters.edsNames();
        if (!eds.equals(subscribedEndpoints)) {
            subscribedEndpoints = Set.copyOf(eds);
            subscriber.subscribe(types.endpoints, subscribedEndpoints);
        }
        Set<String> sds = new java.util.TreeSet<>(listeners.sdsNames());
        sds.addAll(clusters.sdsNames());
        secretsSeen.keySet().retainAll(sds);
        if (!sds.equals(subscribedSecrets)) {
            subscribedSecrets = Set.copyOf(sds);
            subscriber.subscribe(types.secrets, subscribedSecrets);
        }
    }

    private void checkInitialized() {
        if (initialized || subscriber == null) {
            return;
        }
        if ((ldsExpected && !ldsSeen) || (cdsExpected && !cdsSeen) || !clusters.allWarm() || !listeners.allWarm()) {
            return;
        }
        initialized = true;
        log.info("first configuration from the control plane is serving");
        plane.initialized();
        timer.shutdown();
    }

    /** Whether the first complete configuration serves (read without the lock: the admin endpoint asks). */
    public boolean initialized() {
        return initialized;
    }

    /** What the client reports of its stream: metrics, and the first LDS and CDS responses. */
    public XdsEventListener streamEvents() {
        return new StreamEvents(types, metrics, this::responseSeen);
    }

    // An empty first response (no listeners, say) changes nothing a watcher would hear of, yet
    // it is the answer the sidecar waits for before it is ready.
    private synchronized void responseSeen(String typeUrl) {
        if (typeUrl.equals(types.listeners.typeUrl())) {
            ldsSeen = true;
        } else if (typeUrl.equals(types.clusters.typeUrl())) {
            cdsSeen = true;
        }
        checkInitialized();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
