package dev.outrigger.sidecar.accesslog;

/** {@code %START_TIME%} and {@code %START_TIME(format)%}: when the request or connection began, UTC. */
final class StartTimeOperator extends Operator {

    private final TimeFormat format;

    StartTimeOperator(TimeFormat format, int maxLength) {
        super(maxLength);
        this.format = format;
    }

    @Override
    boolean append(AccessLogEntry e, StringBuilder out) {
        if (e.startMillis == AccessLogEntry.UNSET) {
            return false;
        }
        format.append(e.startMillis, out);
        return true;
    }
}
