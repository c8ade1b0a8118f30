package dev.outrigger.sidecar.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The original client from x-forwarded-for, as Envoy derives it. */
class ClientAddressTest {

    private static final InetAddress PEER = ip("10.0.0.9");

    private static InetAddress ip(String s) {
        return com.google.common.net.InetAddresses.forString(s);
    }

    @Test
    void useRemoteAddressTrustsOnlyTheConfiguredHops() {
        List<String> xff = List.of("1.1.1.1, 2.2.2.2", "3.3.3.3");
        assertEquals(PEER, ClientAddress.of(xff, PEER, true, 0), "no hop trusted: the peer");
        assertEquals(ip("3.3.3.3"), ClientAddress.of(xff, PEER, true, 1));
        assertEquals(ip("2.2.2.2"), ClientAddress.of(xff, PEER, true, 2));
        assertEquals(ip("1.1.1.1"), ClientAddress.of(xff, PEER, true, 3));
        assertEquals(PEER, ClientAddress.of(xff, PEER, true, 4), "fewer entries than trusted hops: the peer");
    }

    @Test
    void withoutUseRemoteAddressThePeersOwnEntryIsTrusted() {
        List<String> xff = List.of("1.1.1.1,2.2.2.2");
        assertEquals(ip("2.2.2.2"), ClientAddress.of(xff, PEER, false, 0));
        assertEquals(ip("1.1.1.1"), ClientAddress.of(xff, PEER, false, 1));
        assertEquals(PEER, ClientAddress.of(xff, PEER, false, 2));
        assertEquals(PEER, ClientAddress.of(List.of(), PEER, false, 0), "no header: the peer");
    }

    @Test
    void onlyIpLiteralsCount() {
        assertEquals(PEER, ClientAddress.of(List.of("example.com"), PEER, false, 0), "never resolved");
        assertEquals(PEER, ClientAddress.of(List.of("1.1.1.1:80"), PEER, false, 0));
        assertEquals(ip("2001:db8::1"), ClientAddress.of(List.of("[2001:db8::1]"), PEER, false, 0));
        assertEquals(ip("2001:db8::1"), ClientAddress.of(List.of("2001:db8::1"), PEER, false, 0));
        assertEquals(PEER, ClientAddress.of(List.of(" , "), PEER, false, 0));
    }
}
