package dev.outrigger.sidecar.upstream;

/**
 * Where one request goes upstream: a pooled HTTP/1.1 connection or one HTTP/2 stream. It carries
 * HTTP objects (the request head, body pieces, the last piece with trailers) out, and hands the
 * response's objects to the exchange it is bound to. Used only on its event loop.
 */
public interface UpstreamStream {

    /** Queues a request object for writing; the stream takes ownership. */
    void write(Object message);

    /** Flushes queued writes. */
    void flush();

    /** Asks for one more read of the response (auto-read is off). */
    void read();

    /** Whether more can be written without piling up: socket room, and for HTTP/2 the stream's window. */
    boolean isWritable();

    /**
     * Ends the exchange's use of the stream. {@code reusable} says both messages ended cleanly;
     * an HTTP/1.1 connection is then pooled again, anything else is closed.
     */
    void release(boolean reusable);

    /** Drops the stream now: closes the HTTP/1.1 connection, or resets the HTTP/2 stream. */
    void abort();

    /** The endpoint's {@code ip:port}. */
    String remoteAddress();

    /** True for an HTTP/2 stream. */
    boolean isHttp2();
}
