package dev.outrigger.sidecar.accesslog;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Standard output or error. Each write is whole lines in one call, so lines never interleave
 * with what else the process prints on that stream; the stream itself is never closed.
 */
final class StreamOutput implements SinkOutput {

    private final OutputStream out;

    StreamOutput(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
        out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        bytes.position(bytes.limit());
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
