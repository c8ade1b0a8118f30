package dev.outrigger.sidecar.rbac;

import static dev.outrigger.sidecar.rbac.TestInput.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** CIDR blocks of both families: prefix edges, non-canonical addresses, family separation. */
class RbacCidrRangeTest {

    @Test
    void ipv4PrefixIsCompared() {
        CidrRange r = CidrRange.of(ip("192.168.4.0"), 22);
        assertTrue(r.contains(ip("192.168.4.0")));
        assertTrue(r.contains(ip("192.168.7.255")));
        assertFalse(r.contains(ip("192.168.8.0")));
        assertFalse(r.contains(ip("192.168.3.255")));
    }

    @Test
    void bitsPastThePrefixAreIgnored() {
        CidrRange r = CidrRange.of(ip("10.1.2.3"), 8);
        assertTrue(r.contains(ip("10.200.0.1")));
        assertFalse(r.contains(ip("11.1.2.3")));
        assertEquals("10.0.0.0/8", r.toString());
        assertEquals(CidrRange.of(ip("10.0.0.0"), 8), r);
    }

    @Test
    void ipv4Slash0HoldsEveryIpv4AddressAndNoIpv6() {
        CidrRange all = CidrRange.of(ip("0.0.0.0"), 0);
        assertTrue(all.contains(ip("1.2.3.4")));
        assertTrue(all.contains(ip("255.255.255.255")));
        assertFalse(all.contains(ip("::1")));
        assertFalse(all.contains(ip("2001:db8::1")));
    }

    @Test
    void ipv4Slash32IsOneAddress() {
        CidrRange one = CidrRange.of(ip("10.0.0.7"), 32);
        assertTrue(one.contains(ip("10.0.0.7")));
        assertFalse(one.contains(ip("10.0.0.6")));
        assertFalse(one.contains(ip("10.0.0.8")));
    }

    @Test
    void ipv4HighBitAddressesDoNotSignExtend() {
        CidrRange r = CidrRange.of(ip("200.0.0.0"), 1);
        assertTrue(r.contains(ip("255.1.1.1")));
        assertTrue(r.contains(ip("128.0.0.0")));
        assertFalse(r.contains(ip("127.255.255.255")));
    }

    @Test
    void ipv6PrefixAcrossTheHalves() {
        CidrRange r = CidrRange.of(ip("2001:db8:0:0:8000::"), 65);
        assertTrue(r.contains(ip("2001:db8::8000:0:0:1")));
        assertTrue(r.contains(ip("2001:db8::ffff:ffff:ffff:ffff")));
        assertFalse(r.contains(ip("2001:db8::7fff:ffff:ffff:ffff")));
        assertFalse(r.contains(ip("2001:db9::8000:0:0:1")));
        CidrRange r32 = CidrRange.of(ip("2001:db8::"), 32);
        assertTrue(r32.contains(ip("2001:db8:ffff::1")));
        assertFalse(r32.contains(ip("2001:db9::")));
        assertFalse(r32.contains(ip("32.1.13.184")), "an IPv4 address with the same leading bits is another family");
    }

    @Test
    void ipv6Slash0And128() {
        CidrRange all = CidrRange.of(ip("::"), 0);
        assertTrue(all.contains(ip("2001:db8::1")));
        assertTrue(all.contains(ip("::1")));
        assertFalse(all.contains(ip("10.0.0.1")));
        CidrRange one = CidrRange.of(ip("2001:db8::1"), 128);
        assertTrue(one.contains(ip("2001:db8::1")));
        assertFalse(one.contains(ip("2001:db8::2")));
        assertFalse(one.contains(ip("2001:db8::")));
    }

    @Test
    void nonCanonicalIpv6IsTruncated() {
        CidrRange r = CidrRange.of(ip("2001:db8:abcd:12::ff"), 48);
        assertEquals(CidrRange.of(ip("2001:db8:abcd::"), 48), r);
        assertTrue(r.contains(ip("2001:db8:abcd:ffff::1")));
        assertFalse(r.contains(ip("2001:db8:abce::")));
        assertEquals("2001:db8:abcd:0:0:0:0:0/48", r.toString());
    }

    @Test
    void nullAddressIsNotContained() {
        assertFalse(CidrRange.of(ip("0.0.0.0"), 0).contains(null));
    }

    @Test
    void prefixLongerThanTheAddressIsRejected() {
        IllegalArgumentException v4 = assertThrows(IllegalArgumentException.class,
                () -> CidrRange.of(ip("10.0.0.0"), 33));
        assertEquals("prefix length 33 is outside 0..32 for an IPv4 address", v4.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CidrRange.of(ip("::"), 129));
        assertThrows(IllegalArgumentException.class, () -> CidrRange.of(ip("::"), -1));
    }
}
