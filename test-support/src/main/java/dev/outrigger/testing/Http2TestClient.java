package dev.outrigger.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real HTTP/2 client for tests: cleartext, prior knowledge, on its own event-loop thread. It
 * sends requests on streams of one connection, collects each response (headers, a copy of the
 * body, trailers), and shows what the server said about the connection: its SETTINGS and a
 * GOAWAY. A stream can also be left unread ({@link #stalled}), to hold the server back with
 * flow control.
 *
 * <p>The connection's receive window is {@link #CONNECTION_WINDOW}, larger than a stream's (64
 * KiB), so a stream that is not read cannot stop the others, as with real clients.
 */
public final class Http2TestClient implements AutoCloseable {

    /** The receive window of the whole connection. */
    public static final int CONNECTION_WINDOW = 1 << 20;
    private static final long TIMEOUT_SECONDS = 10;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final CompletableFuture<Http2Settings> settings = new CompletableFuture<>();
    private final CompletableFuture<GoAway> goAway = new CompletableFuture<>();
    private final Channel channel;
    private final List<Stream> stalledStreams = new CopyOnWriteArrayList<>();

    /** A GOAWAY the server sent: no stream above {@code lastStreamId} was or will be processed. */
    public record GoAway(int lastStreamId, long errorCode) {
    }

    /**
     * A complete response.
     *
     * @param status the {@code :status}
     * @param headers the response headers (lower-case names, without pseudo-headers)
     * @param body a copy of the body
     * @param trailers the trailers, empty if none
     */
    public record Response(int status, Map<String, List<String>> headers, byte[] body,
            Map<String, List<String>> trailers) {

        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }

        /** The body as UTF-8 text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The server reset a stream (RST_STREAM), or refused it by GOAWAY. */
    public static final class StreamResetException extends IOException {
        private final long errorCode;

        StreamResetException(String message, long errorCode) {
            super(message + " (error code " + errorCode + ")");
            this.errorCode = errorCode;
        }

        /** The HTTP/2 error code, e.g. {@link Http2Error#REFUSED_STREAM}'s. */
        public long errorCode() {
            return errorCode;
        }
    }

    private Http2TestClient(int port) throws InterruptedException {
        channel = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient()
                                .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
                                // close() means now: GOAWAY, then close, without waiting for open streams.
                                .gracefulShutdownTimeoutMillis(0)
                                .build());
                        // The server may not push: streams it would open get no handler.
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        ch.pipeline().addLast(new ConnectionHandler());
                    }
                })
                .connect(new InetSocketAddress("127.0.0.1", port))
                .sync()
                .channel();
    }

    /** Connects to 127.0.0.1:{@code port}; the connection preface goes out at once. */
    public static Http2TestClient connect(int port) throws InterruptedException {
        return new Http2TestClient(port);
    }

    /** The server's first SETTINGS frame. */
    public CompletableFuture<Http2Settings> serverSettings() {
        return settings;
    }

    /** Completes when the server sends GOAWAY. */
    public CompletableFuture<GoAway> goAway() {
        return goAway;
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /** Completes when the connection has closed. */
    public ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    /**
     * How many bytes this client may still send on the connection as a whole: the server's
     * connection receive window as seen from here.
     */
    public int connectionSendWindow() throws Exception {
        return channel.eventLoop().submit(() -> {
            Http2FrameCodec codec = channel.pipeline().get(Http2FrameCodec.class);
            return codec.connection().remote().flowController().windowSize(codec.connection().connectionStream());
        }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Stops enforcing the server's SETTINGS_MAX_CONCURRENT_STREAMS here, so that streams beyond it
     * reach the server (which must refuse them). Call after {@link #serverSettings()} completed.
     */
    public void ignoreServerStreamLimit() throws Exception {
        channel.eventLoop().submit(() -> channel.pipeline().get(Http2FrameCodec.class).connection().local()
                .maxActiveStreams(Integer.MAX_VALUE)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Sends a whole request ({@code body} null for none) on a new stream. */
    public CompletableFuture<Response> request(String method, String path, String authority,
            Map<String, String> headers, byte[] body) throws Exception {
        return send(method, path, authority, headers, body).response();
    }

    /** Sends a whole request ({@code body} null for none) on a new stream, and returns the stream. */
    public Stream send(String method, String path, String authority, Map<String, String> headers, byte[] body)
            throws Exception {
        Stream s = start(method, path, authority, headers, body == null, true);
        if (body != null) {
            s.send(body, true);
        }
        return s;
    }

    /** GET {@code path} with authority {@code h}. */
    public CompletableFuture<Response> get(String path) throws Exception {
        return request("GET", path, "h", Map.of(), null);
    }

    /**
     * Opens a stream and sends the request head; the body follows with {@link Stream#send}. Returns
     * once the head is written (or failed to be).
     */
    public Stream start(String method, String path, String authority, Map<String, String> headers) throws Exception {
        return start(method, path, authority, headers, false, true);
    }

    /**
     * Sends a whole request without a body on a stream that is then never read: the server can
     * send no more than the stream's window, and the stream's {@link Stream#response()} never completes.
     */
    public Stream stalled(String method, String path, String authority, Map<String, String> headers)
            throws Exception {
        return start(method, path, authority, headers, true, false);
    }

    private Stream start(String method, String path, String authority, Map<String, String> headers,
            boolean endStream, boolean read) throws Exception {
        Stream stream = new Stream();
        Http2StreamChannel ch = new Http2StreamChannelBootstrap(channel)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel c) {
                        c.config().setAutoRead(read);
                        c.pipeline().addLast(stream);
                    }
                })
                .open()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        stream.channel = ch;
        if (!read) {
            stalledStreams.add(stream);
        }
        Http2Headers h = new DefaultHttp2Headers().method(method).path(path).scheme("http").authority(authority);
        headers.forEach((name, value) -> h.add(name.toLowerCase(), value));
        ChannelFuture written = ch.writeAndFlush(new DefaultHttp2HeadersFrame(h, endStream));
        try {
            written.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            stream.response.completeExceptionally(e.getCause());
        }
        return stream;
    }

    /** Closes the connection (GOAWAY, then the socket) with whatever streams are open. Idempotent. */
    @Override
    public void close() {
        if (group.isShuttingDown()) {
            return;
        }
        // A stream with unread frames stays open after the connection closes, holding its frames,
        // until it is read or closed: close the stalled ones ourselves.
        for (Stream s : stalledStreams) {
            s.channel.close().syncUninterruptibly();
        }
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Waits for {@code f}, failing after the client's timeout. */
    public static <T> T await(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer within " + TIMEOUT_SECONDS + " s");
        }
    }

    /** One stream: the request going out and the response coming in. */
    public static final class Stream extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Response> response = new CompletableFuture<>();
        private final CompletableFuture<Integer> head = new CompletableFuture<>();
        private final CompletableFuture<Long> serverReset = new CompletableFuture<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Http2StreamChannel channel;
        private int status;
        private Map<String, List<String>> headers;

        /** Completes with the whole response, or fails if the stream is reset or the connection closes first. */
        public CompletableFuture<Response> response() {
            return response;
        }

        /** Completes with the response's status when its head arrives, before any of its body. */
        public CompletableFuture<Integer> head() {
            return head;
        }

        /** Completes with the error code of the server's RST_STREAM, also when it follows a complete response. */
        public CompletableFuture<Long> serverReset() {
            return serverReset;
        }

        /** The stream id (known once the head was written). */
        public int id() {
            return channel.stream().id();
        }

        /** Sends a piece of request body; {@code endStream} ends the request. */
        public CompletableFuture<Void> send(byte[] data, boolean endStream) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(data), endStream))
                    .addListener(f -> {
                        if (f.isSuccess()) {
                            done.complete(null);
                        } else {
                            done.completeExceptionally(f.cause());
                        }
                    });
            return done;
        }

        /** Resets the stream (RST_STREAM with {@code error}). */
        public void reset(Http2Error error) throws Exception {
            channel.writeAndFlush(new DefaultHttp2ResetFrame(error)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    onHeaders(h);
                } else if (msg instanceof Http2DataFrame d) {
                    ByteBuf content = d.content();
                    byte[] bytes = new byte[content.readableBytes()];
                    content.getBytes(content.readerIndex(), bytes);
                    body.writeBytes(bytes);
                    if (d.isEndStream()) {
                        complete(Map.of());
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void onHeaders(Http2HeadersFrame frame) {
            Http2Headers h = frame.headers();
            if (headers == null) {
                int code = Integer.parseInt(h.status().toString());
                if (code < 200) {
                    return; // informational: the real head follows
                }
                status = code;
                headers = toMap(h);
                head.complete(code);
                if (frame.isEndStream()) {
                    complete(Map.of());
                }
            } else {
                complete(toMap(h));
            }
        }

        private void complete(Map<String, List<String>> trailers) {
            response.complete(new Response(status, headers, body.toByteArray(), trailers));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame reset) {
                serverReset.complete(reset.errorCode());
                response.completeExceptionally(new StreamResetException("stream reset by the server",
                        reset.errorCode()));
            } else if (evt instanceof Http2GoAwayFrame goAway) {
                response.completeExceptionally(new StreamResetException("stream above the GOAWAY's last stream "
                        + goAway.lastStreamId(), goAway.errorCode()));
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            response.completeExceptionally(new IOException("stream closed before the response ended"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            response.completeExceptionally(cause);
            ctx.close();
        }

        private static Map<String, List<String>> toMap(Http2Headers h) {
            Map<String, List<String>> map = new LinkedHashMap<>();
            h.forEach(e -> {
                String name = e.getKey().toString();
                if (!Http2Headers.PseudoHeaderName.hasPseudoHeaderFormat(name)) {
                    map.computeIfAbsent(name, k -> new ArrayList<>()).add(e.getValue().toString());
                }
            });
            map.replaceAll((k, v) -> List.copyOf(v));
            return Collections.unmodifiableMap(map);
        }
    }

    /** The connection's own frames: SETTINGS, GOAWAY; and a larger connection window. */
    private final class ConnectionHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // After the codec's channelActive: the preface is out, so the WINDOW_UPDATE may follow.
            ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(
                    CONNECTION_WINDOW - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2SettingsFrame s) {
                    settings.complete(new Http2Settings().copyFrom(s.settings()));
                } else if (msg instanceof Http2GoAwayFrame g) {
                    goAway.complete(new GoAway(g.lastStreamId(), g.errorCode()));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
