package dev.outrigger.sidecar.ratelimit.global;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Gives a gRPC channel a fixed list of addresses, which {@link #update} replaces: the endpoints of
 * the rate limit service's cluster as the sidecar knows them, so the channel never asks DNS.
 */
final class StaticAddressResolver extends NameResolver.Factory {

    /** The scheme of the channel's target; only this factory knows it. */
    static final String SCHEME = "outrigger-static";

    private final String authority;
    private final List<Resolver> resolvers = new CopyOnWriteArrayList<>();
    private volatile List<EquivalentAddressGroup> groups;

    StaticAddressResolver(String authority, List<InetSocketAddress> addresses) {
        this.authority = Objects.requireNonNull(authority, "authority");
        this.groups = groups(addresses);
    }

    /** Replaces the addresses; the channel moves its calls to the new ones. */
    void update(List<InetSocketAddress> addresses) {
        groups = groups(addresses);
        for (Resolver r : resolvers) {
            r.publish();
        }
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        return SCHEME.equals(targetUri.getScheme()) ? new Resolver(args) : null;
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    private static List<EquivalentAddressGroup> groups(List<InetSocketAddress> addresses) {
        List<EquivalentAddressGroup> out = new ArrayList<>(addresses.size());
        for (InetSocketAddress a : addresses) {
            out.add(new EquivalentAddressGroup(Objects.requireNonNull(a, "address")));
        }
        return List.copyOf(out);
    }

    private final class Resolver extends NameResolver {

        private final NameResolver.Args args;
        // Touched only in the channel's synchronization context.
        private Listener2 listener;

        Resolver(NameResolver.Args args) {
            this.args = args;
        }

        @Override
        public String getServiceAuthority() {
            return authority;
        }

        @Override
        public void start(Listener2 listener) {
            this.listener = listener;
            resolvers.add(this);
            deliver();
        }

        @Override
        public void refresh() {
            deliver();
        }

        @Override
        public void shutdown() {
            resolvers.remove(this);
            listener = null;
        }

        void publish() {
            args.getSynchronizationContext().execute(this::deliver);
        }

        private void deliver() {
            if (listener == null) {
                return;
            }
            List<EquivalentAddressGroup> now = groups;
            StatusOr<List<EquivalentAddressGroup>> addresses = now.isEmpty()
                    ? StatusOr.fromStatus(Status.UNAVAILABLE.withDescription("the rate limit service " + authority
                            + " has no endpoints"))
                    : StatusOr.fromValue(now);
            listener.onResult(ResolutionResult.newBuilder().setAddressesOrError(addresses).build());
        }
    }
}
