package dev.outrigger.sidecar.transport;

import dev.outrigger.sidecar.snapshot.Http2Settings;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;

/** Builds HTTP/2 frame codecs from Outrigger's settings, the same way for clients and servers. */
public final class Http2Codecs {

    /** The window every HTTP/2 connection starts with (RFC 9113 6.9.2). */
    private static final int DEFAULT_WINDOW = 65_535;

    private Http2Codecs() {
    }

    /**
     * A frame codec advertising {@code settings}. Closing its channel sends GOAWAY and closes at
     * once: graceful draining is done by the caller, which knows when its streams are finished.
     *
     * @param maxHeaderListSize SETTINGS_MAX_HEADER_LIST_SIZE, 0 for the codec's default
     */
    public static Http2FrameCodec frameCodec(boolean server, Http2Settings settings, int maxHeaderListSize) {
        io.netty.handler.codec.http2.Http2Settings initial = new io.netty.handler.codec.http2.Http2Settings()
                .initialWindowSize(settings.initialStreamWindowSize());
        if (server) {
            initial.maxConcurrentStreams(settings.maxConcurrentStreams());
        } else {
            initial.pushEnabled(false);
        }
        if (maxHeaderListSize > 0) {
            initial.maxHeaderListSize(maxHeaderListSize);
        }
        Http2FrameCodecBuilder builder = server ? Http2FrameCodecBuilder.forServer() : Http2FrameCodecBuilder.forClient();
        return builder.initialSettings(initial).gracefulShutdownTimeoutMillis(0).validateHeaders(true).build();
    }

    /** Grows the connection-level receive window to {@code settings}' size (it starts at 64 KiB). */
    public static void raiseConnectionWindow(Http2FrameCodec codec, Http2Settings settings) {
        int delta = settings.initialConnectionWindowSize() - DEFAULT_WINDOW;
        if (delta <= 0) {
            return;
        }
        Http2Connection connection = codec.connection();
        try {
            connection.local().flowController().incrementWindowSize(connection.connectionStream(), delta);
        } catch (Http2Exception e) {
            throw new IllegalStateException("cannot raise the HTTP/2 connection window", e);
        }
    }
}
