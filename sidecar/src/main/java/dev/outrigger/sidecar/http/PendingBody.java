package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.upstream.UpstreamStream;
import io.netty.handler.codec.http.HttpContent;
import java.util.ArrayDeque;

/**
 * Request body that arrived before the upstream connection was ready. It is at most what one
 * read decoded, because the connection stops reading until the upstream is there.
 */
final class PendingBody {

    private ArrayDeque<HttpContent> contents;

    void add(HttpContent content) {
        if (contents == null) {
            contents = new ArrayDeque<>(4);
        }
        contents.add(content);
    }

    /** Hands every held piece to {@code upstream} (which now owns them). */
    void writeTo(UpstreamStream upstream) {
        if (contents != null) {
            for (HttpContent c; (c = contents.poll()) != null; ) {
                upstream.write(c);
            }
        }
    }

    /** Drops every held piece. */
    void release() {
        if (contents != null) {
            for (HttpContent c; (c = contents.poll()) != null; ) {
                c.release();
            }
        }
    }
}
