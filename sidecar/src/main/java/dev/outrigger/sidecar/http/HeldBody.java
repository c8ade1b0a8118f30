package dev.outrigger.sidecar.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Request body that arrived while an HTTP filter was deciding (a call to a rate-limit service):
 * at most what the read in progress decoded, because the connection reads no more until the
 * decision. Used on the request's event loop only.
 */
final class HeldBody {

    private final ArrayDeque<HttpContent> contents = new ArrayDeque<>(2);

    void add(HttpContent content) {
        contents.add(content);
    }

    /** Hands every held piece, in order, to {@code to}, which now owns them. */
    void deliver(Consumer<HttpContent> to) {
        for (HttpContent c; (c = contents.poll()) != null; ) {
            to.accept(c);
        }
    }

    /** Drops every held piece; true when the request's last piece was among them. */
    boolean release() {
        boolean last = false;
        for (HttpContent c; (c = contents.poll()) != null; ) {
            last |= c instanceof LastHttpContent;
            c.release();
        }
        return last;
    }
}
