package dev.outrigger.sidecar.accesslog;

import java.util.Locale;

/** A command operator without argument that prints one field of the entry. */
final class FieldOperator extends Operator {

    /** The operators, named as in Envoy. */
    enum Field {
        DURATION(true),
        RESPONSE_CODE(true),
        BYTES_RECEIVED(true),
        BYTES_SENT(true),
        PROTOCOL(false),
        RESPONSE_FLAGS(false),
        UPSTREAM_HOST(false),
        UPSTREAM_REMOTE_ADDRESS(false),
        UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT(false),
        UPSTREAM_CLUSTER(false),
        UPSTREAM_TRANSPORT_FAILURE_REASON(false),
        ROUTE_NAME(false),
        DOWNSTREAM_REMOTE_ADDRESS(false),
        DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT(false),
        DOWNSTREAM_DIRECT_REMOTE_ADDRESS(false),
        DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT(false),
        DOWNSTREAM_LOCAL_ADDRESS(false),
        DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT(false),
        REQUESTED_SERVER_NAME(false),
        DOWNSTREAM_PEER_URI_SAN(false),
        TRACE_ID(false);

        /** Rendered as a JSON number when alone in a JSON value, as Envoy does. */
        final boolean numeric;

        Field(boolean numeric) {
            this.numeric = numeric;
        }

        /** The field named {@code name}, or null. */
        static Field named(String name) {
            try {
                return name.equals(name.toUpperCase(Locale.ROOT)) ? valueOf(name) : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    private final Field field;

    FieldOperator(Field field, int maxLength) {
        super(maxLength);
        this.field = field;
    }

    @Override
    boolean append(AccessLogEntry e, StringBuilder out) {
        boolean tcp = e.kind == AccessLogEntry.Kind.TCP;
        return switch (field) {
            case DURATION -> e.durationMillis != AccessLogEntry.UNSET && number(e.durationMillis, out);
            case RESPONSE_CODE -> !tcp && number(e.responseCode, out);
            case BYTES_RECEIVED -> number(e.bytesReceived, out);
            case BYTES_SENT -> number(e.bytesSent, out);
            case PROTOCOL -> !tcp && text(e.protocol, out);
            case RESPONSE_FLAGS -> text(e.responseFlags, out);
            case UPSTREAM_HOST, UPSTREAM_REMOTE_ADDRESS -> text(e.upstreamHost, out);
            case UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT -> host(e.upstreamHost, out);
            case UPSTREAM_CLUSTER -> text(e.upstreamCluster, out);
            case UPSTREAM_TRANSPORT_FAILURE_REASON -> text(e.upstreamTransportFailureReason, out);
            case ROUTE_NAME -> text(e.routeName, out);
            case DOWNSTREAM_REMOTE_ADDRESS -> text(e.downstreamRemoteAddress, out);
            case DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT -> host(e.downstreamRemoteAddress, out);
            case DOWNSTREAM_DIRECT_REMOTE_ADDRESS -> text(e.downstreamDirectRemoteAddress, out);
            case DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT -> host(e.downstreamDirectRemoteAddress, out);
            case DOWNSTREAM_LOCAL_ADDRESS -> text(e.downstreamLocalAddress, out);
            case DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT -> host(e.downstreamLocalAddress, out);
            case REQUESTED_SERVER_NAME -> text(e.requestedServerName, out);
            case DOWNSTREAM_PEER_URI_SAN -> text(e.peerUriSan, out);
            case TRACE_ID -> text(e.traceId, out);
        };
    }

    @Override
    boolean appendJson(AccessLogEntry e, StringBuilder out) {
        return field.numeric ? append(e, out) : super.appendJson(e, out);
    }

    private static boolean number(long value, StringBuilder out) {
        out.append(value);
        return true;
    }

    private static boolean text(String value, StringBuilder out) {
        if (value == null) {
            return false;
        }
        out.append(value);
        return true;
    }

    /** {@code 10.0.0.1:80} → {@code 10.0.0.1}, {@code [::1]:80} → {@code ::1}, as Envoy prints them. */
    static boolean host(String hostPort, StringBuilder out) {
        if (hostPort == null) {
            return false;
        }
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close > 0) {
                out.append(hostPort, 1, close);
                return true;
            }
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0 && hostPort.indexOf(':') == colon) {
            out.append(hostPort, 0, colon);
        } else {
            out.append(hostPort);
        }
        return true;
    }
}
