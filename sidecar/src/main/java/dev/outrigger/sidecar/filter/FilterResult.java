package dev.outrigger.sidecar.filter;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What an HTTP filter decided: let the request through, or answer it now. */
public sealed interface FilterResult permits FilterResult.Continue, FilterResult.Reply {

    /** Go on: the next filter, then the route's action. */
    FilterResult CONTINUE = Continue.INSTANCE;

    /** Go on with the request. */
    enum Continue implements FilterResult {
        /** The only instance. */
        INSTANCE
    }

    /**
     * Answer the request without forwarding it. An HTTP client gets {@code status} with
     * {@code text} as the body; a gRPC client gets a trailers-only response with
     * {@code grpcStatus} and {@code text} as {@code grpc-message}. Both get
     * {@code x-outrigger-error: code} and {@code headers}.
     *
     * @param status the HTTP status
     * @param code the machine-readable reason, also the {@code reason} of the local-error metric
     * @param text a short human-readable body
     * @param grpcStatus the gRPC status code for gRPC clients
     * @param headers more response headers, in order
     */
    record Reply(int status, String code, String text, int grpcStatus, List<Map.Entry<String, String>> headers)
            implements FilterResult {

        public Reply {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("a reply's status must be 200..599, got " + status);
            }
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(text, "text");
            headers = List.copyOf(headers);
        }
    }
}
