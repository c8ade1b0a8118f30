package dev.outrigger.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tells an HTTP/2 connection (prior knowledge: it starts with the connection preface) from an
 * HTTP/1.1 one by its first bytes, has the matching handlers installed after itself, and leaves;
 * the bytes it read go on to them.
 */
final class PrefaceSniffer extends ByteToMessageDecoder {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Consumer<ChannelHandlerContext> installHttp2;
    private final Consumer<ChannelHandlerContext> installHttp1;

    /** Each installer adds its handlers after the sniffer's context. */
    PrefaceSniffer(Consumer<ChannelHandlerContext> installHttp2, Consumer<ChannelHandlerContext> installHttp1) {
        this.installHttp2 = installHttp2;
        this.installHttp1 = installHttp1;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.length);
        boolean prefix = true;
        for (int i = 0; i < n && prefix; i++) {
            prefix = in.getByte(in.readerIndex() + i) == PREFACE[i];
        }
        if (prefix && n < PREFACE.length) {
            return; // could still be the preface: wait for more
        }
        (prefix ? installHttp2 : installHttp1).accept(ctx);
        // Leaving hands the bytes read so far to the handlers just installed.
        ctx.pipeline().remove(this);
    }
}
