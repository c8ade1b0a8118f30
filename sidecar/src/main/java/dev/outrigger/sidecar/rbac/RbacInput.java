package dev.outrigger.sidecar.rbac;

import dev.outrigger.sidecar.route.RequestView;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What authorization decides on: a request (HTTP) or a connection (TCP), its addresses and the
 * caller's proven identity. Implemented by the HTTP filter and the network filter.
 */
public interface RbacInput {

    /** The HTTP request, or null on a TCP connection (where header and url_path rules never match). */
    RequestView request();

    /** The socket peer: Envoy's {@code direct_remote_ip}. */
    InetSocketAddress directRemote();

    /**
     * The original client: the address {@code x-forwarded-for} names within the trusted hops
     * ({@code xff_num_trusted_hops}), else the socket peer. Envoy's {@code remote_ip}.
     */
    InetAddress remoteIp();

    /** The address and port the connection was accepted on: {@code destination_ip}/{@code destination_port}. */
    InetSocketAddress local();

    /** The TLS server name the client asked for (SNI), "" without. */
    String requestedServerName();

    /**
     * The caller's authenticated identity: the URI SAN (SPIFFE ID) of the certificate it
     * presented in mutual TLS, or null when it presented none (plain text, or TLS without a
     * client certificate).
     */
    String principal();
}
