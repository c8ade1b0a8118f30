package dev.outrigger.sidecar.filter;

import java.util.List;

/** The network filters of one filter chain of one listener configuration, run on each new connection. */
public final class NetworkFilterChain {

    /** A chain with no network filter before its terminal one. */
    public static final NetworkFilterChain EMPTY = new NetworkFilterChain(new NetworkFilter[0]);

    private final NetworkFilter[] filters;

    private NetworkFilterChain(NetworkFilter[] filters) {
        this.filters = filters;
    }

    /** Builds every filter of {@code configs} for one listener. */
    public static NetworkFilterChain build(List<NetworkFilterConfig> configs, FilterEnvironment environment) {
        if (configs.isEmpty()) {
            return EMPTY;
        }
        NetworkFilter[] filters = new NetworkFilter[configs.size()];
        for (int i = 0; i < filters.length; i++) {
            filters[i] = configs.get(i).spec().apply(environment);
        }
        return new NetworkFilterChain(filters);
    }

    /** Whether there is nothing to run. */
    public boolean isEmpty() {
        return filters.length == 0;
    }

    /** Runs the filters in order; the first refusal wins. Null when every filter accepts the connection. */
    public String admit(ConnectionContext connection) {
        for (NetworkFilter f : filters) {
            String refused = f.onConnection(connection);
            if (refused != null) {
                return refused;
            }
        }
        return null;
    }
}
