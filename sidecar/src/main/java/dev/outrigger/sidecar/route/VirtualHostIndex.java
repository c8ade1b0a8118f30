package dev.outrigger.sidecar.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the virtual host for a request's authority the way Envoy does: an exact domain, then
 * the longest suffix wildcard ({@code *.example.com}, {@code *-bar.example.com}), then the
 * longest prefix wildcard ({@code foo.*}), then {@code *}. Matching ignores case. When the
 * authority has a port and no domain other than {@code *} matches it, it is tried again
 * without the port, so {@code example.com} serves {@code example.com:8080}.
 *
 * <p>Built once per configuration; {@link #find} looks up hash maps, one per distinct wildcard
 * length, and allocates only those substrings.
 */
public final class VirtualHostIndex {

    private final List<VirtualHost> virtualHosts;
    private final Map<String, VirtualHost> exact = new HashMap<>();
    private final int[] suffixLengths;
    private final List<Map<String, VirtualHost>> suffixes = new ArrayList<>();
    private final int[] prefixLengths;
    private final List<Map<String, VirtualHost>> prefixes = new ArrayList<>();
    private final VirtualHost any;
    /** Whether any domain other than {@code *} is indexed; if not, every authority gets {@link #any}. */
    private final boolean specific;

    private VirtualHostIndex(List<VirtualHost> virtualHosts) {
        this.virtualHosts = List.copyOf(virtualHosts);
        // longest wildcard first: TreeMap in descending key order
        TreeMap<Integer, Map<String, VirtualHost>> suffixByLength = new TreeMap<>((a, b) -> b - a);
        TreeMap<Integer, Map<String, VirtualHost>> prefixByLength = new TreeMap<>((a, b) -> b - a);
        Map<String, VirtualHost> seen = new HashMap<>();
        VirtualHost wildcard = null;
        for (VirtualHost vh : this.virtualHosts) {
            for (String domain : vh.domains()) {
                String problem = domainProblem(domain);
                if (problem != null) {
                    throw new IllegalArgumentException(problem);
                }
                VirtualHost previous = seen.putIfAbsent(domain, vh);
                if (previous != null) {
                    throw new IllegalArgumentException("domain \"" + domain + "\" appears in virtual host \""
                            + previous.name() + "\" and again in \"" + vh.name() + "\"");
                }
                if (domain.equals("*")) {
                    wildcard = vh;
                } else if (domain.startsWith("*")) {
                    String suffix = domain.substring(1);
                    suffixByLength.computeIfAbsent(suffix.length(), k -> new HashMap<>()).put(suffix, vh);
                } else if (domain.endsWith("*")) {
                    String prefix = domain.substring(0, domain.length() - 1);
                    prefixByLength.computeIfAbsent(prefix.length(), k -> new HashMap<>()).put(prefix, vh);
                } else {
                    exact.put(domain, vh);
                }
            }
        }
        this.any = wildcard;
        this.suffixLengths = toArray(suffixByLength, suffixes);
        this.prefixLengths = toArray(prefixByLength, prefixes);
        this.specific = !exact.isEmpty() || suffixLengths.length > 0 || prefixLengths.length > 0;
    }

    /**
     * Indexes {@code virtualHosts}.
     *
     * @throws IllegalArgumentException when a domain is malformed or appears twice
     */
    public static VirtualHostIndex of(List<VirtualHost> virtualHosts) {
        return new VirtualHostIndex(virtualHosts);
    }

    /**
     * Why {@code domain} (lower-cased) cannot be a virtual host domain, or null when it can. A
     * '*' may stand alone or be the first or last character, and must not be all of the rest.
     */
    public static String domainProblem(String domain) {
        if (domain.isEmpty()) {
            return "domain must not be empty";
        }
        for (int i = 0; i < domain.length(); i++) {
            char c = domain.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return "domain \"" + domain + "\" contains whitespace or a control character";
            }
        }
        if (domain.equals("*")) {
            return null;
        }
        int star = domain.indexOf('*');
        if (star < 0) {
            return null;
        }
        boolean single = domain.indexOf('*', star + 1) < 0;
        if (!single || (star != 0 && star != domain.length() - 1)) {
            return "domain \"" + domain + "\" may only have one '*', as its first or last character";
        }
        return null;
    }

    /** The indexed virtual hosts, in configuration order. */
    public List<VirtualHost> virtualHosts() {
        return virtualHosts;
    }

    /** The virtual host serving {@code authority} (Host / :authority, maybe with a port; may be null), or null. */
    public VirtualHost find(String authority) {
        if (!specific || authority == null || authority.isEmpty()) {
            return any; // a lone "*" (a common sidecar table): no lower-casing, no port stripping
        }
        // toLowerCase returns the same instance when nothing changes: no allocation for the usual case
        String host = authority.toLowerCase(Locale.ROOT);
        VirtualHost vh = findSpecific(host);
        if (vh == null) {
            int colon = HostPort.portSeparator(host);
            if (colon >= 0) {
                vh = findSpecific(host.substring(0, colon));
            }
        }
        return vh != null ? vh : any;
    }

    private VirtualHost findSpecific(String host) {
        VirtualHost vh = exact.get(host);
        if (vh != null) {
            return vh;
        }
        int n = host.length();
        // the '*' must stand for at least one character, hence the strict comparison
        for (int i = 0; i < suffixLengths.length; i++) {
            int len = suffixLengths[i];
            if (n > len) {
                vh = suffixes.get(i).get(host.substring(n - len));
                if (vh != null) {
                    return vh;
                }
            }
        }
        for (int i = 0; i < prefixLengths.length; i++) {
            int len = prefixLengths[i];
            if (n > len) {
                vh = prefixes.get(i).get(host.substring(0, len));
                if (vh != null) {
                    return vh;
                }
            }
        }
        return null;
    }

    private static int[] toArray(TreeMap<Integer, Map<String, VirtualHost>> byLength,
            List<Map<String, VirtualHost>> maps) {
        int[] lengths = new int[byLength.size()];
        int i = 0;
        for (Map.Entry<Integer, Map<String, VirtualHost>> e : byLength.entrySet()) {
            lengths[i++] = e.getKey();
            maps.add(e.getValue());
        }
        return lengths;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VirtualHostIndex other && virtualHosts.equals(other.virtualHosts);
    }

    @Override
    public int hashCode() {
        return virtualHosts.hashCode();
    }

    @Override
    public String toString() {
        return virtualHosts.toString();
    }
}
