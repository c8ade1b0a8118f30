package dev.outrigger.sidecar.accesslog;

/**
 * Read access to one message's headers for {@code %REQ(X)%} and {@code %RESP(X)%}: the data
 * path adapts its Netty headers (no copy). It is read on the logging thread, while
 * {@link AccessLogs#log} runs, and never after.
 */
@FunctionalInterface
public interface HeaderSource {

    /**
     * The first value of the header {@code name}, or null when absent.
     *
     * @param name a lower-case header name, or a pseudo-header such as {@code :path}
     */
    String get(String name);
}
