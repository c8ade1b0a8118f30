package dev.outrigger.sidecar.transport;

import dev.outrigger.sidecar.snapshot.Http2Settings;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2LocalFlowController;

/** Builds HTTP/2 frame codecs from Outrigger's settings, the same way for clients and servers. */
public final class Http2Codecs {

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
        Http2FrameCodecBuilder builder = server ? Http2FrameCodecBuilder.forServer()
                // A client's pool counts a stream as ended when its response ends, but the codec closes
                // the stream only after that frame has been handed on (or, for a reset, once RST_STREAM
                // is written): a stream opened at that moment would exceed the peer's limit and be
                // refused here. The codec holds such a stream's frames until the old one is closed.
                : Http2FrameCodecBuilder.forClient().encoderEnforceMaxConcurrentStreams(true);
        return builder.initialSettings(initial).gracefulShutdownTimeoutMillis(0).validateHeaders(true).build();
    }

    /**
     * Grows the connection-level receive window to {@code settings}' size (it starts at 64 KiB).
     * The codec may have grown it already: given an initial stream window above 64 KiB, Netty's
     * frame codec adds twice the difference to the connection window by itself (a server when the
     * codec is added, a client once its preface is out). The window is grown from where it is,
     * never past the configured size because of that; it can only end larger when the codec's own
     * growth went further.
     */
    public static void raiseConnectionWindow(Http2FrameCodec codec, Http2Settings settings) {
        Http2Connection connection = codec.connection();
        Http2LocalFlowController flow = connection.local().flowController();
        // Counting from the RFC's 65,535 instead would add the configured growth on top of the codec's:
        // a connection window of 2 MiB with 128 KiB streams became 2 MiB + 128 KiB.
        int delta = settings.initialConnectionWindowSize() - flow.initialWindowSize(connection.connectionStream());
        if (delta <= 0) {
            return;
        }
        try {
            flow.incrementWindowSize(connection.connectionStream(), delta);
        } catch (Http2Exception e) {
            throw new IllegalStateException("cannot raise the HTTP/2 connection window", e);
        }
    }
}
