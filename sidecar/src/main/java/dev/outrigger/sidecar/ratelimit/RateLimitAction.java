package dev.outrigger.sidecar.ratelimit;

import com.google.common.net.InetAddresses;
import dev.outrigger.sidecar.route.HeaderMatcher;
import dev.outrigger.sidecar.route.RequestView;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One action of a route's rate limit entry ({@code envoy.config.route.v3.RateLimit.Action}): it
 * contributes one entry to the descriptor, or cannot, in which case the entry produces no
 * descriptor at all, unless the action says to skip itself instead.
 */
public sealed interface RateLimitAction {

    /** The entry for this request, or null when the action cannot produce one. */
    DescriptorEntry entry(RateLimitInput input);

    /** When {@link #entry} is null: true to go on without an entry, false to produce no descriptor. */
    default boolean skipIfAbsent() {
        return false;
    }

    /** {@code ("source_cluster", <this sidecar's service cluster>)}; {@code source_cluster}. */
    record SourceCluster() implements RateLimitAction {
        /** The entry's key. */
        public static final String KEY = "source_cluster";

        @Override
        public DescriptorEntry entry(RateLimitInput input) {
            return new DescriptorEntry(KEY, input.sourceCluster());
        }
    }

    /**
     * {@code ("destination_cluster", <routed cluster>)}; {@code destination_cluster}. A route that
     * answers itself (redirect, direct response) has no cluster, and so no descriptor.
     */
    record DestinationCluster() implements RateLimitAction {
        /** The entry's key. */
        public static final String KEY = "destination_cluster";

        @Override
        public DescriptorEntry entry(RateLimitInput input) {
            String cluster = input.destinationCluster();
            return cluster == null ? null : new DescriptorEntry(KEY, cluster);
        }
    }

    /**
     * {@code (descriptorKey, <first value of the header>)}; {@code request_headers}. The
     * pseudo-headers {@code :authority} (also as {@code host}), {@code :method} and {@code :path}
     * read the request line.
     *
     * @param headerName the lower-case header name
     * @param descriptorKey the entry's key
     * @param skipIfAbsent without the header, go on without this entry instead of producing no descriptor
     */
    record RequestHeaders(String headerName, String descriptorKey, boolean skipIfAbsent) implements RateLimitAction {
        public RequestHeaders {
            Objects.requireNonNull(headerName, "headerName");
            requireKey(descriptorKey);
        }

        @Override
        public DescriptorEntry entry(RateLimitInput input) {
            String value = firstValue(input.request());
            return value == null ? null : new DescriptorEntry(descriptorKey, value);
        }

        private String firstValue(RequestView request) {
            switch (headerName) {
                case ":authority":
                case "host":
                    return request.authority();
                case ":method":
                    return request.method();
                case ":path":
                    return request.pathAndQuery();
                default:
                    // As Envoy: the first value when the header is repeated.
                    List<String> values = request.headerValues(headerName);
                    return values == null || values.isEmpty() ? null : values.get(0);
            }
        }
    }

    /**
     * {@code ("remote_address", <original client IP>)}; {@code remote_address}. The address is
     * the trusted {@code x-forwarded-for} one, written the way Envoy does ({@code ::1}, not
     * {@code 0:0:0:0:0:0:0:1}).
     */
    record RemoteAddress() implements RateLimitAction {
        /** The entry's key. */
        public static final String KEY = "remote_address";

        @Override
        public DescriptorEntry entry(RateLimitInput input) {
            InetAddress ip = input.remoteIp();
            return ip == null ? null : new DescriptorEntry(KEY, InetAddresses.toAddrString(ip));
        }
    }

    /**
     * {@code (descriptorKey, descriptorValue)}, always; {@code generic_key}.
     *
     * @param fixed the entry; its key defaults to {@code generic_key}
     */
    record GenericKey(DescriptorEntry fixed) implements RateLimitAction {
        /** The key when {@code descriptor_key} is not set. */
        public static final String DEFAULT_KEY = "generic_key";

        public GenericKey {
            Objects.requireNonNull(fixed, "fixed");
        }

        @Override
        public DescriptorEntry entry(RateLimitInput input) {
            return fixed;
        }
    }

    /**
     * {@code (descriptorKey, descriptorValue)} when the request matches every header matcher
     * (or, with {@code expectMatch} false, when it does not); {@code header_value_match}.
     *
     * @param fixed the entry; its key defaults to {@code header_match}
     * @param expectMatch produce the entry on a match (true, the default) or on a mismatch
     * @param headers the matchers, all of which must match; at least one
     */
    record HeaderValueMatch(DescriptorEntry fixed, boolean expectMatch, List<HeaderMatcher> headers)
            implements RateLimitAction {
        /** The key when {@code descriptor_key} is not set. */
        public static final String DEFAULT_KEY = "header_match";

        public HeaderValueMatch {
            Objects.requireNonNull(fixed, "fixed");
            headers = List.copyOf(headers);
            if (headers.isEmpty()) {
                throw new IllegalArgumentException("header_value_match needs at least one header matcher");
            }
        }

        @Override
        public DescriptorEntry entry(RateLimitInput input) {
            RequestView request = input.request();
            boolean all = true;
            for (int i = 0; i < headers.size() && all; i++) {
                all = headers.get(i).matches(request);
            }
            return all == expectMatch ? fixed : null;
        }
    }

    /**
     * {@code (descriptorKey, <caller's SPIFFE ID>)}: Outrigger's {@code extension} action
     * ({@code outrigger.ratelimit.v1.PeerIdentityDescriptor}). A caller without a client
     * certificate has no identity.
     *
     * @param descriptorKey the entry's key, default {@code peer_identity}
     * @param skipIfAbsent without an identity, go on without this entry instead of producing no descriptor
     */
    record PeerIdentity(String descriptorKey, boolean skipIfAbsent) implements RateLimitAction {
        /** The key when {@code descriptor_key} is not set. */
        public static final String DEFAULT_KEY = "peer_identity";

        public PeerIdentity {
            requireKey(descriptorKey);
        }

        @Override
        public DescriptorEntry entry(RateLimitInput input) {
            String principal = input.principal();
            return principal == null || principal.isEmpty() ? null : new DescriptorEntry(descriptorKey, principal);
        }
    }

    private static void requireKey(String descriptorKey) {
        if (descriptorKey.isEmpty()) {
            throw new IllegalArgumentException("a descriptor key must not be empty");
        }
    }
}
