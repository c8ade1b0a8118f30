package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.route.ForwardAction;
import dev.outrigger.sidecar.transport.LazyTimer;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;

/**
 * The two clocks of a forwarded exchange: the route timeout, which counts from the end of the
 * request, and a gRPC call's deadline, which counts from its start. Either one passing ends the
 * exchange the same way. Both run on the connection's (or stream's) {@link LazyTimer}, so a
 * request that finishes in time costs no scheduling at all.
 */
final class ExchangeTimers {

    private final LazyTimer timer;
    private long routeTimeoutNanos;
    private boolean routeTimeoutReplaced;
    private boolean routeArmed;
    private long routeDeadline;
    private boolean grpcArmed;
    private long grpcDeadline;

    ExchangeTimers(LazyTimer timer) {
        this.timer = timer;
    }

    /** The route's timeout; {@link Duration#ZERO} disables it. */
    void routeTimeout(Duration timeout) {
        this.routeTimeoutNanos = timeout.toNanos();
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
            grpcArmed = true;
            grpcDeadline = System.nanoTime() + d.toNanos();
            update();
        }
    }

    /** Starts the route timeout unless it runs already, is disabled, or a gRPC deadline replaces it. */
    void armRouteTimeout() {
        if (routeArmed || routeTimeoutReplaced || routeTimeoutNanos == 0) {
            return;
        }
        routeArmed = true;
        routeDeadline = System.nanoTime() + routeTimeoutNanos;
        update();
    }

    /** Stops the route timeout only (it restarts when the request ends). */
    void cancelRouteTimeout() {
        routeArmed = false;
        update();
    }

    /** Stops both. */
    void cancel() {
        routeArmed = false;
        grpcArmed = false;
        timer.disarm();
    }

    /** The timer fired: true if a deadline has passed (the exchange ends), else it waits on. */
    boolean expired() {
        long now = System.nanoTime();
        if ((routeArmed && now - routeDeadline >= 0) || (grpcArmed && now - grpcDeadline >= 0)) {
            routeArmed = false;
            grpcArmed = false;
            return true;
        }
        update();
        return false;
    }

    private void update() {
        if (routeArmed && grpcArmed) {
            timer.arm(routeDeadline - grpcDeadline < 0 ? routeDeadline : grpcDeadline);
        } else if (routeArmed) {
            timer.arm(routeDeadline);
        } else if (grpcArmed) {
            timer.arm(grpcDeadline);
        } else {
            timer.disarm();
        }
    }
}
