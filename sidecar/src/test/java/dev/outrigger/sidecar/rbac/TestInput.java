package dev.outrigger.sidecar.rbac;

import com.google.common.net.InetAddresses;
import dev.outrigger.sidecar.route.RequestView;
import dev.outrigger.sidecar.route.TestRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An {@link RbacInput} for tests: by default a plain-text TCP connection from 10.0.0.5 to
 * 10.0.0.1:8080 without SNI; the {@code with*} methods return changed copies.
 */
public record TestInput(RequestView request, InetSocketAddress directRemote, InetAddress remoteIp,
        InetSocketAddress local, String requestedServerName, String principal) implements RbacInput {

    /** A TCP connection from 10.0.0.5:40000 to 10.0.0.1:8080, no SNI, no client certificate. */
    public static TestInput tcp() {
        return new TestInput(null, socket("10.0.0.5", 40000), ip("10.0.0.5"), socket("10.0.0.1", 8080), "", null);
    }

    /** The same connection carrying {@code request}. */
    public static TestInput http(RequestView request) {
        return tcp().withRequest(request);
    }

    /** A GET of {@code pathAndQuery} for host {@code shop}. */
    public static TestInput get(String pathAndQuery) {
        return http(TestRequest.get("shop", pathAndQuery));
    }

    /** An address literal, without DNS. */
    public static InetAddress ip(String literal) {
        return InetAddresses.forString(literal);
    }

    private static InetSocketAddress socket(String literal, int port) {
        return new InetSocketAddress(ip(literal), port);
    }

    /** The same connection carrying {@code r} (null: TCP). */
    public TestInput withRequest(RequestView r) {
        return new TestInput(r, directRemote, remoteIp, local, requestedServerName, principal);
    }

    /** The socket peer and the original client both become {@code literal}. */
    public TestInput withPeer(String literal) {
        return new TestInput(request, socket(literal, 40000), ip(literal), local, requestedServerName, principal);
    }

    /** The original client (as from x-forwarded-for) becomes {@code literal}; the socket peer stays. */
    public TestInput withRemoteIp(String literal) {
        return new TestInput(request, directRemote, ip(literal), local, requestedServerName, principal);
    }

    /** Accepted on {@code literal}:{@code port}. */
    public TestInput withLocal(String literal, int port) {
        return new TestInput(request, directRemote, remoteIp, socket(literal, port), requestedServerName, principal);
    }

    /** The client asked for TLS server name {@code sni}. */
    public TestInput withSni(String sni) {
        return new TestInput(request, directRemote, remoteIp, local, sni, principal);
    }

    /** The client proved identity {@code spiffeId} with its certificate. */
    public TestInput withPrincipal(String spiffeId) {
        return new TestInput(request, directRemote, remoteIp, local, requestedServerName, spiffeId);
    }
}
