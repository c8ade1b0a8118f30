package dev.outrigger.sidecar.ratelimit;

import dev.outrigger.sidecar.route.RequestView;
import java.net.InetAddress;

/** What a route's {@code rate_limits} actions read to build descriptors for one request. */
public interface RateLimitInput {

    /** The request. */
    RequestView request();

    /** The original client ({@code x-forwarded-for} within the trusted hops, else the socket peer). */
    InetAddress remoteIp();

    /** The caller's SPIFFE ID from mutual TLS, or null. */
    String principal();

    /** The cluster the route sends the request to, or null for a route that answers itself. */
    String destinationCluster();

    /** This sidecar's own service cluster ({@code node.cluster}, {@code --service-cluster}), "" when unset. */
    String sourceCluster();
}
