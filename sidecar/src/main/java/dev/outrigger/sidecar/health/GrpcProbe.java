package dev.outrigger.sidecar.health;

import dev.outrigger.sidecar.cluster.HealthCheckConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The gRPC probe: one {@code grpc.health.v1.Health/Check} call over HTTP/2 (prior knowledge, or
 * TLS when the cluster originates it). SERVING passes; any other status, a non-OK
 * {@code grpc-status} or a non-200 response takes the endpoint out at once; a reset or GOAWAY
 * is a network failure. The request and response protobufs are tiny and encoded here by hand.
 */
final class GrpcProbe {

    /** The method called. */
    static final String PATH = "/grpc.health.v1.Health/Check";
    /** {@code HealthCheckResponse.ServingStatus.SERVING}. */
    static final int SERVING = 1;
    private static final int MAX_RESPONSE = 16 * 1024;

    private GrpcProbe() {
    }

    static void addHandlers(Channel ch, HealthCheckConfig.Grpc grpc, String clusterName, boolean tls,
            ProbeOutcome outcome) {
        ch.pipeline().addLast("hc-h2", Http2FrameCodecBuilder.forClient().build());
        ch.pipeline().addLast("hc-grpc", new Handler(grpc, clusterName, tls, outcome));
    }

    /** The length-prefixed {@code HealthCheckRequest{service}} message. */
    static byte[] request(String service) {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        if (name.length > 0) {
            message.write(0x0a);
            writeVarint(message, name.length);
            message.write(name, 0, name.length);
        }
        byte[] body = message.toByteArray();
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        framed.write(0);
        framed.write(body.length >>> 24);
        framed.write(body.length >>> 16);
        framed.write(body.length >>> 8);
        framed.write(body.length);
        framed.write(body, 0, body.length);
        return framed.toByteArray();
    }

    /** The status of a length-prefixed {@code HealthCheckResponse}, or -1 when it cannot be read. */
    static int status(byte[] framed) {
        if (framed.length < 5 || framed[0] != 0) {
            return -1;
        }
        int length = ((framed[1] & 0xff) << 24) | ((framed[2] & 0xff) << 16) | ((framed[3] & 0xff) << 8)
                | (framed[4] & 0xff);
        if (length < 0 || length != framed.length - 5) {
            return -1;
        }
        int status = 0;
        int[] pos = {5};
        int end = framed.length;
        while (pos[0] < end) {
            long key = readVarint(framed, pos, end);
            if (key < 0) {
                return -1;
            }
            int wireType = (int) (key & 7);
            long field = key >>> 3;
            if (wireType == 0) {
                long v = readVarint(framed, pos, end);
                if (v < 0) {
                    return -1;
                }
                if (field == 1) {
                    status = (int) v;
                }
            } else if (wireType == 2) {
                long len = readVarint(framed, pos, end);
                if (len < 0 || pos[0] + len > end) {
                    return -1;
                }
                pos[0] += (int) len;
            } else if (wireType == 5) {
                pos[0] += 4;
            } else if (wireType == 1) {
                pos[0] += 8;
            } else {
                return -1;
            }
        }
        return pos[0] == end ? status : -1;
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7f) != 0) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private static long readVarint(byte[] data, int[] pos, int end) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= end) {
                return -1;
            }
            byte b = data[pos[0]++];
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        return -1;
    }

    private static final class Handler extends Http2ChannelDuplexHandler {
        private final HealthCheckConfig.Grpc grpc;
        private final String authority;
        private final boolean tls;
        private final ProbeOutcome outcome;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private boolean sawHeaders;

        Handler(HealthCheckConfig.Grpc grpc, String clusterName, boolean tls, ProbeOutcome outcome) {
            this.grpc = grpc;
            this.authority = grpc.authority().isEmpty() ? clusterName : grpc.authority();
            this.tls = tls;
            this.outcome = outcome;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Http2FrameStream stream = newStream();
            Http2Headers headers = new DefaultHttp2Headers()
                    .method("POST")
                    .scheme(tls ? "https" : "http")
                    .path(PATH)
                    .authority(authority)
                    .set("content-type", "application/grpc")
                    .set("te", "trailers")
                    .set("user-agent", HttpProbe.USER_AGENT);
            ctx.write(new DefaultHttp2HeadersFrame(headers, false).stream(stream));
            ByteBuf message = Unpooled.wrappedBuffer(request(grpc.serviceName()));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(message, true).stream(stream));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame frame) {
                    headers(frame);
                } else if (msg instanceof Http2DataFrame data) {
                    ByteBuf content = data.content();
                    int n = Math.min(content.readableBytes(), MAX_RESPONSE - body.size());
                    byte[] bytes = new byte[n];
                    content.readBytes(bytes);
                    body.write(bytes, 0, n);
                } else if (msg instanceof Http2ResetFrame reset) {
                    outcome.fail("stream reset (" + reset.errorCode() + ")", false);
                } else if (msg instanceof Http2GoAwayFrame) {
                    outcome.fail("GOAWAY", false);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void headers(Http2HeadersFrame frame) {
            Http2Headers h = frame.headers();
            if (!sawHeaders) {
                sawHeaders = true;
                CharSequence status = h.status();
                if (status == null || !"200".contentEquals(status)) {
                    outcome.fail("HTTP status " + status, true);
                    return;
                }
            }
            if (!frame.isEndStream()) {
                return;
            }
            CharSequence grpcStatus = h.get("grpc-status");
            if (grpcStatus == null || !"0".contentEquals(grpcStatus)) {
                outcome.fail("grpc-status " + grpcStatus, true);
                return;
            }
            int serving = status(body.toByteArray());
            if (serving == SERVING) {
                outcome.succeed();
            } else {
                outcome.fail(serving < 0 ? "malformed HealthCheckResponse" : "serving status " + serving, true);
            }
        }
    }
}
