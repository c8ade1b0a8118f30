package dev.outrigger.sidecar.health;

import dev.outrigger.sidecar.cluster.HealthCheckConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;

/**
 * The TCP probe: with nothing to send a successful connect passes; else the {@code send} bytes
 * are written and the endpoint passes once every {@code receive} block has arrived, each after
 * the previous one (bytes between them are allowed). Nothing to receive: the write passing is enough.
 */
final class TcpProbe {

    /** Bytes kept while waiting for the expected blocks. */
    static final int MAX_BUFFERED = 64 * 1024;

    private TcpProbe() {
    }

    static void addHandlers(Channel ch, HealthCheckConfig.Tcp tcp, ProbeOutcome outcome) {
        ch.pipeline().addLast("hc-tcp", new Handler(tcp, outcome));
    }

    /** Whether {@code blocks} occur in {@code data} in order, none overlapping. */
    static boolean matches(byte[] data, int length, java.util.List<byte[]> blocks) {
        int from = 0;
        for (byte[] block : blocks) {
            int at = indexOf(data, length, block, from);
            if (at < 0) {
                return false;
            }
            from = at + block.length;
        }
        return true;
    }

    private static int indexOf(byte[] data, int length, byte[] block, int from) {
        outer:
        for (int i = from; i + block.length <= length; i++) {
            for (int j = 0; j < block.length; j++) {
                if (data[i + j] != block[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final HealthCheckConfig.Tcp tcp;
        private final ProbeOutcome outcome;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        Handler(HealthCheckConfig.Tcp tcp, ProbeOutcome outcome) {
            this.tcp = tcp;
            this.outcome = outcome;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (tcp.send().length == 0) {
                outcome.succeed();
                return;
            }
            ctx.writeAndFlush(Unpooled.wrappedBuffer(tcp.send())).addListener(f -> {
                if (!f.isSuccess()) {
                    outcome.fail("write failed: " + Probes.describe(f.cause()), false);
                } else if (tcp.receive().isEmpty()) {
                    outcome.succeed();
                }
            });
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof ByteBuf buf && !outcome.isDone()) {
                    byte[] bytes = new byte[Math.min(buf.readableBytes(), MAX_BUFFERED - received.size())];
                    buf.readBytes(bytes);
                    received.write(bytes, 0, bytes.length);
                    byte[] data = received.toByteArray();
                    if (matches(data, data.length, tcp.receive())) {
                        outcome.succeed();
                    } else if (received.size() >= MAX_BUFFERED) {
                        outcome.fail("expected bytes not received within " + MAX_BUFFERED + " bytes", false);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
