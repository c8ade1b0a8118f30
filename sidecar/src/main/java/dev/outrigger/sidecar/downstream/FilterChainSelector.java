package dev.outrigger.sidecar.downstream;

import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.listener.FilterChainMatch;
import dev.outrigger.sidecar.listener.ListenerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Picks the filter chain for a connection the way Envoy does: criterion by criterion
 * (destination port, then transport protocol, then application protocol), keeping at each step
 * the chains that name the connection's value if any do, else the chains that leave the
 * criterion open. No chain left means the default chain, or none.
 */
public final class FilterChainSelector {

    private FilterChainSelector() {
    }

    /**
     * The chain for a connection, or null when none applies (the connection is closed).
     *
     * @param destinationPort the connection's local port
     * @param transportProtocol {@link FilterChainMatch#RAW_BUFFER} or {@link FilterChainMatch#TLS}
     * @param applicationProtocol e.g. {@link FilterChainMatch#HTTP11}, or null when unknown
     */
    public static FilterChainConfig select(ListenerConfig listener, int destinationPort, String transportProtocol,
            String applicationProtocol) {
        List<FilterChainConfig> candidates = listener.filterChains();
        candidates = narrow(candidates, c -> c.match().destinationPort() == destinationPort,
                c -> c.match().destinationPort() == 0);
        candidates = narrow(candidates, c -> c.match().transportProtocol().equals(transportProtocol),
                c -> c.match().transportProtocol().isEmpty());
        candidates = narrow(candidates, c -> applicationProtocol != null && names(c, applicationProtocol),
                c -> c.match().applicationProtocols().isEmpty());
        return candidates.isEmpty() ? listener.defaultFilterChain() : candidates.get(0);
    }

    /** Whether the chain lists {@code protocol}; HTTP/1.x requests also match chains that list http/1.0. */
    private static boolean names(FilterChainConfig chain, String protocol) {
        List<String> listed = chain.match().applicationProtocols();
        return listed.contains(protocol)
                || (protocol.equals(FilterChainMatch.HTTP11) && listed.contains(FilterChainMatch.HTTP10));
    }

    private static List<FilterChainConfig> narrow(List<FilterChainConfig> in, Predicate<FilterChainConfig> exact,
            Predicate<FilterChainConfig> wildcard) {
        List<FilterChainConfig> exactOnes = new ArrayList<>();
        List<FilterChainConfig> wildcardOnes = new ArrayList<>();
        for (FilterChainConfig c : in) {
            if (exact.test(c)) {
                exactOnes.add(c);
            } else if (wildcard.test(c)) {
                wildcardOnes.add(c);
            }
        }
        return exactOnes.isEmpty() ? wildcardOnes : exactOnes;
    }
}
