package dev.outrigger.sidecar.filter;

import dev.outrigger.sidecar.rbac.RbacInput;
import dev.outrigger.sidecar.route.RequestView;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A connection as network filters see it: addresses and the caller's identity, no request.
 *
 * @param directRemote the peer
 * @param local the address it was accepted on
 * @param requestedServerName the TLS SNI, "" without
 * @param principal the caller's SPIFFE ID from mutual TLS, or null
 */
public record ConnectionContext(InetSocketAddress directRemote, InetSocketAddress local, String requestedServerName,
        String principal) implements RbacInput {

    @Override
    public RequestView request() {
        return null;
    }

    /** On a connection the client is its peer: there is no {@code x-forwarded-for} to read. */
    @Override
    public InetAddress remoteIp() {
        return directRemote.getAddress();
    }
}
