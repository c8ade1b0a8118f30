package dev.outrigger.sidecar.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.sidecar.snapshot.Http2Settings;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import org.junit.jupiter.api.Test;

/** The receive windows a frame codec ends up with: what the settings say, whatever Netty adds by itself. */
class Http2CodecsTest {

    private static int connectionWindow(Http2FrameCodec codec) {
        Http2Connection c = codec.connection();
        return c.local().flowController().windowSize(c.connectionStream());
    }

    private static int serverConnectionWindow(Http2Settings settings) {
        Http2FrameCodec codec = Http2Codecs.frameCodec(true, settings, 0);
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        try {
            Http2Codecs.raiseConnectionWindow(codec, settings);
            return connectionWindow(codec);
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void theConnectionWindowIsTheConfiguredOne() {
        assertEquals(1 << 20, serverConnectionWindow(Http2Settings.DEFAULTS));
        // Netty grows the connection window by twice the stream window's excess on its own.
        assertEquals(2 << 20, serverConnectionWindow(new Http2Settings(100, 128 * 1024, 2 << 20)));
    }

    @Test
    void aClientCodecEndsWithTheConfiguredWindowToo() {
        Http2Settings settings = new Http2Settings(100, 256 * 1024, 4 << 20);
        Http2FrameCodec codec = Http2Codecs.frameCodec(false, settings, 0);
        EmbeddedChannel ch = new EmbeddedChannel(codec); // active: the preface is out, the codec grew its window
        try {
            Http2Codecs.raiseConnectionWindow(codec, settings);
            assertEquals(4 << 20, connectionWindow(codec));
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aStreamWindowLargerThanTheConnectionWindowLeavesNettysGrowth() {
        // Windows never shrink: the codec's own growth (twice the excess) stands.
        int stream = 512 * 1024;
        assertEquals(65_535 + 2 * (stream - 65_535), serverConnectionWindow(new Http2Settings(100, stream, 1 << 20)));
    }
}
