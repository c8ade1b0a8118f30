package dev.outrigger.sidecar.route;

import java.util.List;
import java.util.Objects;

/**
 * One entry of a route's {@code hash_policy}: what of a request the hash-based load balancers
 * (ring hash, Maglev) hash, so that requests with the same value go to the same endpoint.
 * The data path hashes each entry's value and {@link #combine}s them as Envoy does.
 */
public sealed interface HashPolicy {

    /** Whether a value this entry hashes ends the list (Envoy's {@code terminal}). */
    boolean terminal();

    /** The value this entry hashes in {@code request} from {@code sourceIp}, or null when it has none. */
    String value(RequestView request, String sourceIp);

    /** A header's value ({@code header.header_name}); several values are joined in order with commas. */
    record Header(String name, boolean terminal) implements HashPolicy {
        public Header {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String value(RequestView request, String sourceIp) {
            List<String> values = request.headerValues(name);
            if (values.isEmpty()) {
                return null;
            }
            return values.size() == 1 ? values.get(0) : String.join(",", values);
        }
    }

    /** A cookie's value ({@code cookie.name}). */
    record Cookie(String name, boolean terminal) implements HashPolicy {
        public Cookie {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String value(RequestView request, String sourceIp) {
            for (String header : request.headerValues("cookie")) {
                String v = cookie(header, name);
                if (v != null) {
                    return v;
                }
            }
            return null;
        }

        static String cookie(String header, String name) {
            int i = 0;
            int n = header.length();
            while (i < n) {
                while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
                    i++;
                }
                int end = header.indexOf(';', i);
                if (end < 0) {
                    end = n;
                }
                int eq = header.indexOf('=', i);
                if (eq > i && eq < end && header.regionMatches(i, name, 0, name.length()) && eq - i == name.length()) {
                    String v = header.substring(eq + 1, end).trim();
                    return v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"'
                            ? v.substring(1, v.length() - 1) : v;
                }
                i = end + 1;
            }
            return null;
        }
    }

    /** The client's IP address ({@code connection_properties.source_ip}). */
    record SourceIp(boolean terminal) implements HashPolicy {
        @Override
        public String value(RequestView request, String sourceIp) {
            return sourceIp;
        }
    }

    /** A query parameter's first value ({@code query_parameter.name}). */
    record QueryParameter(String name, boolean terminal) implements HashPolicy {
        public QueryParameter {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String value(RequestView request, String sourceIp) {
            return QueryString.firstValue(request.pathAndQuery(), name);
        }
    }

    /**
     * Mixes the hash {@code next} of one more entry's value into {@code running}, the hash of the
     * entries before it, as Envoy combines them: rotated left by one bit, then xored.
     */
    static long combine(long running, long next) {
        return Long.rotateLeft(running, 1) ^ next;
    }
}
