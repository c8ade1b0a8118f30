package dev.outrigger.sidecar.accesslog;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** What a sink's writer thread writes bytes to; used by that thread only. */
interface SinkOutput extends Closeable {

    /** Writes all remaining bytes of {@code bytes}. */
    void write(ByteBuffer bytes) throws IOException;

    /** Pushes what was written to the operating system. */
    void flush() throws IOException;

    /** Opens the path again if the file there is no longer the one being written (rotation). */
    default void reopenIfMoved() throws IOException {
    }
}
