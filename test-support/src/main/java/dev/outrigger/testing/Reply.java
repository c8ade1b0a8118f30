package dev.outrigger.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a {@link TestUpstream} does with a request: an ordinary response, a slow one, a huge
 * streamed one, garbage, or hanging up.
 */
public final class Reply {

    /** How the reply is delivered. */
    public enum Kind { RESPONSE, STREAM, RAW, CLOSE, HANG }

    final Kind kind;
    final int status;
    final String body;
    final List<Map.Entry<String, String>> headers = new ArrayList<>();
    Duration delay = Duration.ZERO;
    boolean chunked;
    boolean closeAfter;
    long streamBytes;
    String raw;

    private Reply(Kind kind, int status, String body) {
        this.kind = kind;
        this.status = status;
        this.body = body;
    }

    /** 200 with a text body. */
    public static Reply ok(String body) {
        return new Reply(Kind.RESPONSE, 200, body);
    }

    /** A status with a text body. */
    public static Reply status(int status, String body) {
        return new Reply(Kind.RESPONSE, status, body);
    }

    /** 200 whose body is {@code bytes} zero bytes, written as fast as the peer reads them. */
    public static Reply stream(long bytes) {
        Reply r = new Reply(Kind.STREAM, 200, "");
        r.streamBytes = bytes;
        return r;
    }

    /** These exact bytes (ISO-8859-1) instead of a well-formed response; the connection stays open unless {@link #closeAfter()}. */
    public static Reply raw(String bytes) {
        Reply r = new Reply(Kind.RAW, 0, "");
        r.raw = bytes;
        return r;
    }

    /** Close the connection without answering. */
    public static Reply close() {
        return new Reply(Kind.CLOSE, 0, "");
    }

    /** Never answer; keep the connection open. */
    public static Reply hang() {
        return new Reply(Kind.HANG, 0, "");
    }

    /** Adds a response header. */
    public Reply header(String name, String value) {
        headers.add(Map.entry(name, value));
        return this;
    }

    /** Waits this long before answering. */
    public Reply delay(Duration value) {
        this.delay = value;
        return this;
    }

    /** Sends the body with chunked transfer encoding instead of content-length. */
    public Reply chunked() {
        this.chunked = true;
        return this;
    }

    /** Closes the connection after the response. */
    public Reply closeAfter() {
        this.closeAfter = true;
        return this;
    }
}
