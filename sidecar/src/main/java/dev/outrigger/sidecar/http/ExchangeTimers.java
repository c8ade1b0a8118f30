package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.route.ForwardAction;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The two clocks of a forwarded exchange: the route timeout, which counts from the end of the
 * request, and a gRPC call's deadline, which counts from its start. Either one firing ends the
 * exchange the same way.
 */
final class ExchangeTimers {

    private final EventExecutor executor;
    private final Runnable onExpiry;
    private Duration routeTimeout = Duration.ZERO;
    private ScheduledFuture<?> route;
    private ScheduledFuture<?> deadline;
    private boolean routeTimeoutReplaced;

    ExchangeTimers(EventExecutor executor, Runnable onExpiry) {
        this.executor = executor;
        this.onExpiry = onExpiry;
    }

    /** The route's timeout; {@link Duration#ZERO} disables it. */
    void routeTimeout(Duration timeout) {
        this.routeTimeout = timeout;
    }

    /**
     * A gRPC call's {@code grpc-timeout} is its deadline from now, capped by the route's
     * {@code max_grpc_timeout} when that is above zero (a call without the header then gets
     * the cap). When the route sets {@code max_grpc_timeout} at all, the deadline replaces the
     * route timeout, as in Envoy; unlike Envoy, {@code grpc-timeout} is honoured even when it
     * is not set, since a gRPC client expects its deadline kept.
     */
    void armGrpcDeadline(ForwardAction action, HttpHeaders requestHeaders) {
        Duration max = action.maxGrpcTimeout();
        routeTimeoutReplaced = max != null;
        Duration d = Grpc.timeout(requestHeaders);
        if (max != null && !max.isZero() && (d == null || d.compareTo(max) > 0)) {
            // A call without grpc-timeout gets the cap itself as its deadline, as in Envoy.
            d = max;
        }
        if (d != null) {
            deadline = executor.schedule(this::expired, d.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Starts the route timeout unless it runs already, is disabled, or a gRPC deadline replaces it. */
    void armRouteTimeout() {
        if (route != null || routeTimeoutReplaced || routeTimeout.isZero()) {
            return;
        }
        route = executor.schedule(this::expired, routeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops the route timeout only (it restarts when the request ends). */
    void cancelRouteTimeout() {
        if (route != null) {
            route.cancel(false);
            route = null;
        }
    }

    /** Stops both. */
    void cancel() {
        cancelRouteTimeout();
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void expired() {
        route = null;
        deadline = null;
        onExpiry.run();
    }
}
