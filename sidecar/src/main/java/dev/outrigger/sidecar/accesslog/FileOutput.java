package dev.outrigger.sidecar.accesslog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A log file, opened for appending. Rotation needs no signal: when the path no longer names the
 * file being written (renamed away by logrotate's {@code create} mode, or deleted), the path is
 * opened again, creating a new file. A file truncated in place ({@code copytruncate}) needs
 * nothing: appends go to its new end.
 */
final class FileOutput implements SinkOutput {

    private final Path path;
    private FileChannel channel;
    private Object fileKey;

    FileOutput(Path path) throws IOException {
        this.path = path;
        open();
    }

    private void open() throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    @Override
    public void flush() {
        // each write went straight to the file; no fsync, as in Envoy
    }

    @Override
    public void reopenIfMoved() throws IOException {
        boolean moved;
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            // without file keys (some platforms) only a missing file can be seen
            moved = key != null && !key.equals(fileKey);
        } catch (NoSuchFileException e) {
            moved = true;
        }
        if (moved) {
            channel.close();
            open();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
