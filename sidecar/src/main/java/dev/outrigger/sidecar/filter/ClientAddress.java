package dev.outrigger.sidecar.filter;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The original client's address, as Envoy derives it from {@code x-forwarded-for}: with
 * {@code use_remote_address} the connection's peer is the first trusted hop, so the N-th entry
 * from the right is taken for {@code xff_num_trusted_hops} N (the peer itself for 0); without
 * it the peer is trusted to have appended its own client, so the (N+1)-th from the right. When
 * the header has too few entries, or the chosen one is not an IP address, the connection's peer
 * is the client. Entries are never resolved: only IP literals count.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    /**
     * @param xffValues the {@code x-forwarded-for} header values in arrival order (each may hold a list)
     * @param peer the connection's remote address
     * @param useRemoteAddress the connection manager's {@code use_remote_address}
     * @param trustedHops its {@code xff_num_trusted_hops}
     */
    public static InetAddress of(List<String> xffValues, InetAddress peer, boolean useRemoteAddress, int trustedHops) {
        int fromRight = useRemoteAddress ? trustedHops : trustedHops + 1;
        if (fromRight == 0 || xffValues.isEmpty()) {
            return peer;
        }
        List<String> entries = new ArrayList<>();
        for (String value : xffValues) {
            for (String part : value.split(",", -1)) {
                entries.add(part.trim());
            }
        }
        if (entries.size() < fromRight) {
            return peer;
        }
        String chosen = entries.get(entries.size() - fromRight);
        // "[::1]" and "::1" both name an IPv6 address; a port after it is not Envoy's format either.
        if (chosen.startsWith("[") && chosen.endsWith("]")) {
            chosen = chosen.substring(1, chosen.length() - 1);
        }
        return InetAddresses.isInetAddress(chosen) ? InetAddresses.forString(chosen) : peer;
    }
}
