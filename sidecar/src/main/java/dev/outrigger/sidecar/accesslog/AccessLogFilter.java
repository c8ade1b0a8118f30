package dev.outrigger.sidecar.accesslog;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether an access log writes an entry: Envoy's {@code AccessLogFilter}, the kinds
 * Outrigger implements. Immutable; {@link #matches} is a pure function of the entry.
 */
public sealed interface AccessLogFilter {

    /** True when the entry is to be logged. */
    boolean matches(AccessLogEntry entry);

    /** A comparison of Envoy's {@code ComparisonFilter}. */
    enum Op {
        /** Equal. */
        EQ,
        /** Greater than or equal. */
        GE,
        /** Less than or equal. */
        LE;

        boolean test(long actual, long value) {
            return switch (this) {
                case EQ -> actual == value;
                case GE -> actual >= value;
                case LE -> actual <= value;
            };
        }
    }

    /** {@code status_code_filter}: the response code (0 when none was sent) compared with {@code value}. */
    record StatusCode(Op op, int value) implements AccessLogFilter {

        public StatusCode {
            Objects.requireNonNull(op, "op");
        }

        @Override
        public boolean matches(AccessLogEntry entry) {
            return op.test(entry.responseCode, value);
        }
    }

    /** {@code duration_filter}: the duration in milliseconds compared with {@code millis}; no duration never matches. */
    record Duration(Op op, long millis) implements AccessLogFilter {

        public Duration {
            Objects.requireNonNull(op, "op");
        }

        @Override
        public boolean matches(AccessLogEntry entry) {
            return entry.durationMillis != AccessLogEntry.UNSET && op.test(entry.durationMillis, millis);
        }
    }

    /**
     * {@code not_health_check_filter}: Outrigger has no health-check filter that answers
     * requests itself, so no entry is a health check and every entry matches.
     */
    record NotHealthCheck() implements AccessLogFilter {

        @Override
        public boolean matches(AccessLogEntry entry) {
            return true;
        }
    }

    /**
     * {@code response_flag_filter}: the entry's reason code is one of {@code reasonCodes}; with no
     * codes, any entry that has a reason code.
     */
    record ResponseFlag(Set<String> reasonCodes) implements AccessLogFilter {

        public ResponseFlag {
            reasonCodes = Set.copyOf(reasonCodes);
        }

        @Override
        public boolean matches(AccessLogEntry entry) {
            String code = entry.responseFlags;
            return code != null && (reasonCodes.isEmpty() || reasonCodes.contains(code));
        }
    }

    /** {@code and_filter}: every filter matches. */
    record And(List<AccessLogFilter> filters) implements AccessLogFilter {

        public And {
            filters = List.copyOf(filters);
        }

        @Override
        public boolean matches(AccessLogEntry entry) {
            for (AccessLogFilter f : filters) {
                if (!f.matches(entry)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code or_filter}: at least one filter matches. */
    record Or(List<AccessLogFilter> filters) implements AccessLogFilter {

        public Or {
            filters = List.copyOf(filters);
        }

        @Override
        public boolean matches(AccessLogEntry entry) {
            for (AccessLogFilter f : filters) {
                if (f.matches(entry)) {
                    return true;
                }
            }
            return false;
        }
    }
}
