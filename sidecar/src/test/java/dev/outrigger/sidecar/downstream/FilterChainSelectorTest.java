package dev.outrigger.sidecar.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.listener.FilterChainMatch;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.listener.TcpProxyConfig;
import dev.outrigger.sidecar.route.ClusterWeight;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chain selection as Envoy does it: criterion by criterion (destination port, transport
 * protocol, application protocol), exact beats wildcard at each step, no backtracking, then the
 * default chain.
 */
class FilterChainSelectorTest {

    private static final String RAW = FilterChainMatch.RAW_BUFFER;
    private static final String TLS = FilterChainMatch.TLS;

    private static FilterChainConfig chain(String name, int port, String transport, String... apps) {
        return FilterChainConfig.tcp(name, new FilterChainMatch(port, transport, List.of(apps)),
                new TcpProxyConfig(name, List.of(new ClusterWeight("c", 1)), Duration.ZERO));
    }

    private static ListenerConfig listener(FilterChainConfig defaultChain, FilterChainConfig... chains) {
        return new ListenerConfig("l", new InetSocketAddress("127.0.0.1", 0), List.of(chains), defaultChain, null);
    }

    private static String select(ListenerConfig l, int port, String transport, String app) {
        FilterChainConfig c = FilterChainSelector.select(l, port, transport, app);
        return c == null ? null : c.name();
    }

    @Test
    void anExactDestinationPortBeatsAnyPort() {
        ListenerConfig l = listener(null, chain("any", 0, ""), chain("p8080", 8080, ""), chain("p9090", 9090, ""));
        assertEquals("p8080", select(l, 8080, RAW, null));
        assertEquals("p9090", select(l, 9090, RAW, null));
        assertEquals("any", select(l, 7070, RAW, null));
    }

    @Test
    void anExactTransportProtocolBeatsAnyTransport() {
        ListenerConfig l = listener(null, chain("any", 0, ""), chain("tls", 0, TLS));
        assertEquals("tls", select(l, 80, TLS, null));
        assertEquals("any", select(l, 80, RAW, null));
    }

    @Test
    void anExactApplicationProtocolBeatsAnyApplicationProtocol() {
        ListenerConfig l = listener(null, chain("any", 0, ""), chain("http", 0, "", "http/1.1", "h2c"));
        assertEquals("http", select(l, 80, RAW, "http/1.1"));
        assertEquals("http", select(l, 80, RAW, "h2c"));
        assertEquals("any", select(l, 80, RAW, null), "an unknown application protocol matches only open chains");
        assertEquals("any", select(l, 80, RAW, "h2"));
    }

    @Test
    void http11RequestsAlsoMatchChainsThatListOnlyHttp10() {
        ListenerConfig l = listener(null, chain("any", 0, ""), chain("old", 0, "", "http/1.0"));
        assertEquals("old", select(l, 80, RAW, "http/1.1"), "the inspector reports every HTTP/1.x as http/1.1");
        assertEquals("any", select(l, 80, RAW, "h2c"));
    }

    @Test
    void theDestinationPortIsDecidedBeforeTheTransportProtocol() {
        ListenerConfig l = listener(null, chain("anyPortTls", 0, TLS), chain("p443AnyTransport", 443, ""));
        assertEquals("p443AnyTransport", select(l, 443, TLS, null), "the port is the first criterion");
        assertEquals("anyPortTls", select(l, 8443, TLS, null));
    }

    @Test
    void theTransportProtocolIsDecidedBeforeTheApplicationProtocol() {
        ListenerConfig l = listener(null, chain("anyTransportHttp", 0, "", "http/1.1"), chain("rawAnyApp", 0, RAW));
        assertEquals("rawAnyApp", select(l, 80, RAW, "http/1.1"));
    }

    @Test
    void aCriterionNeverFallsBackToWildcardsOnceAnExactMatchWasKept() {
        // Port 8080 matches "p8080" exactly, so "any" is dropped, even though "p8080" then fails on transport.
        FilterChainConfig fallback = chain("default", 0, "");
        ListenerConfig l = listener(fallback, chain("any", 0, ""), chain("p8080", 8080, TLS));
        assertEquals("default", select(l, 8080, RAW, null));
        assertNull(select(listener(null, chain("any", 0, ""), chain("p8080", 8080, TLS)), 8080, RAW, null));
    }

    @Test
    void theFirstOfEquallyGoodChainsWins() {
        ListenerConfig l = listener(null, chain("first", 0, RAW), chain("second", 0, RAW));
        assertEquals("first", select(l, 80, RAW, null));
    }

    @Test
    void theDefaultChainTakesWhatNoChainMatches() {
        FilterChainConfig fallback = chain("default", 0, "");
        ListenerConfig l = listener(fallback, chain("http", 0, "", "http/1.1"));
        assertEquals("http", select(l, 80, RAW, "http/1.1"));
        assertEquals("default", select(l, 80, RAW, null));
        assertEquals("default", select(listener(fallback), 80, RAW, null), "no chains at all");
    }

    @Test
    void noMatchAndNoDefaultIsNone() {
        ListenerConfig l = listener(null, chain("http", 0, "", "http/1.1"), chain("tls", 0, TLS));
        assertNull(select(l, 80, RAW, null));
        assertNull(select(l, 80, RAW, "h2c"));
    }
}
