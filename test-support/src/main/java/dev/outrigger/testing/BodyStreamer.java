package dev.outrigger.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Writes a large body of zeros only as fast as the channel drains (a socket, or an HTTP/2 stream's
 * flow-control window), so the upstream itself stays small. Call {@link #run} again when the
 * channel becomes writable.
 */
final class BodyStreamer {

    private static final ByteBuf ZEROS =
            Unpooled.unreleasableBuffer(Unpooled.directBuffer(64 * 1024).writeZero(64 * 1024));

    private final ChannelHandlerContext ctx;
    private final boolean close;
    private long remaining;

    BodyStreamer(ChannelHandlerContext ctx, long bytes, boolean close) {
        this.ctx = ctx;
        this.remaining = bytes;
        this.close = close;
    }

    /** Writes until the channel is full or the body is done; true when done. */
    boolean run() {
        Channel ch = ctx.channel();
        while (remaining > 0 && ch.isActive()) {
            int n = (int) Math.min(remaining, ZEROS.capacity());
            remaining -= n;
            ch.write(new DefaultHttpContent(ZEROS.duplicate().writerIndex(n)));
            if (!ch.isWritable()) {
                ch.flush();
                return false;
            }
        }
        ChannelFuture f = ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (close) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
        return true;
    }
}
