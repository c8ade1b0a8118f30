package dev.outrigger.sidecar.rbac;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A block of IPv4 or IPv6 addresses, as Envoy's {@code CidrRange}: the leading
 * {@code prefixLength} bits of an address. Bits of the given address beyond the prefix are
 * ignored, so {@code 10.1.2.3/8} is the block {@code 10.0.0.0/8}. A range holds addresses of its
 * own family only: {@code 0.0.0.0/0} holds every IPv4 address and no IPv6 address.
 */
public final class CidrRange {

    private final boolean ipv4;
    private final int prefixLength;
    // The address as two 64-bit halves (IPv4 sits in the low 32 bits of lo), already masked,
    // so a test is two ANDs and two compares.
    private final long hi;
    private final long lo;
    private final long maskHi;
    private final long maskLo;

    private CidrRange(boolean ipv4, int prefixLength, long hi, long lo, long maskHi, long maskLo) {
        this.ipv4 = ipv4;
        this.prefixLength = prefixLength;
        this.maskHi = maskHi;
        this.maskLo = maskLo;
        this.hi = hi & maskHi;
        this.lo = lo & maskLo;
    }

    /**
     * The block of {@code address}'s family with its first {@code prefixLength} bits.
     *
     * @throws IllegalArgumentException if {@code prefixLength} is negative or longer than the
     *     address (32 bits for IPv4, 128 for IPv6)
     */
    public static CidrRange of(InetAddress address, int prefixLength) {
        Objects.requireNonNull(address, "address");
        byte[] bytes = address.getAddress();
        int bits = bytes.length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0.." + bits
                    + " for an IPv" + (bits == 32 ? 4 : 6) + " address");
        }
        if (bytes.length == 4) {
            long mask = prefixLength == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefixLength)) & 0xFFFF_FFFFL;
            return new CidrRange(true, prefixLength, 0, readInt(bytes), 0, mask);
        }
        return new CidrRange(false, prefixLength, readLong(bytes, 0), readLong(bytes, 8),
                mask64(prefixLength), mask64(prefixLength - 64));
    }

    /** True when {@code address} is of this range's family and starts with its prefix; false for null. */
    public boolean contains(InetAddress address) {
        if (address == null || (address instanceof Inet4Address) != ipv4) {
            return false;
        }
        if (prefixLength == 0) {
            return true;
        }
        // getAddress() copies 4 or 16 bytes; the JDK offers no copy-free read of an address
        byte[] bytes = address.getAddress();
        if (ipv4) {
            return (readInt(bytes) & maskLo) == lo;
        }
        return (readLong(bytes, 0) & maskHi) == hi && (readLong(bytes, 8) & maskLo) == lo;
    }

    /** True for an IPv4 range, false for IPv6. */
    public boolean isIpv4() {
        return ipv4;
    }

    /** How many leading bits an address must share with this range. */
    public int prefixLength() {
        return prefixLength;
    }

    /** The first address of the block (the given address with the bits past the prefix cleared). */
    public InetAddress network() {
        byte[] bytes = new byte[ipv4 ? 4 : 16];
        if (ipv4) {
            writeLong(bytes, 0, lo << 32, 4);
        } else {
            writeLong(bytes, 0, hi, 8);
            writeLong(bytes, 8, lo, 8);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }

    /** The 64-bit mask of the first {@code bits} bits (0 when not positive, all ones from 64). */
    private static long mask64(int bits) {
        if (bits <= 0) {
            return 0;
        }
        return bits >= 64 ? -1L : -1L << (64 - bits);
    }

    private static long readInt(byte[] b) {
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    private static long readLong(byte[] b, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[offset + i] & 0xFFL);
        }
        return v;
    }

    private static void writeLong(byte[] b, int offset, long v, int count) {
        for (int i = 0; i < count; i++) {
            b[offset + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CidrRange c && c.ipv4 == ipv4 && c.prefixLength == prefixLength
                && c.hi == hi && c.lo == lo;
    }

    @Override
    public int hashCode() {
        return Objects.hash(ipv4, prefixLength, hi, lo);
    }

    /** The block in CIDR notation, e.g. {@code 10.0.0.0/8} or {@code 2001:db8:0:0:0:0:0:0/32}. */
    @Override
    public String toString() {
        return network().getHostAddress() + "/" + prefixLength;
    }
}
