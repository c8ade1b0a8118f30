package dev.outrigger.sidecar.filter;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an HTTP filter decided: let the request through, answer it now, or decide later (a call
 * to another service, such as a global rate limit).
 */
public sealed interface FilterResult permits FilterResult.Continue, FilterResult.Reply, FilterResult.Pending {

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

    /**
     * The decision comes later: the request waits (its body is held, the connection reads no
     * more of it) until {@code result} completes, on any thread; the chain goes on on the
     * request's event loop. A failed {@code result} is answered with 500 {@code filter_failed}:
     * a filter that has a failure mode of its own completes normally instead.
     *
     * @param result the decision: {@link #CONTINUE} or a {@link Reply}
     */
    record Pending(java.util.concurrent.CompletionStage<FilterResult> result) implements FilterResult {

        public Pending {
            Objects.requireNonNull(result, "result");
        }
    }
}
