package dev.outrigger.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP/1.1 server on 127.0.0.1 (ephemeral port) for tests: it records every request and
 * answers as its responder says. Runs on its own event-loop thread.
 *
 * <p>Started with {@link #startHttp2}, it also speaks HTTP/2 with prior knowledge: a connection
 * that begins with the HTTP/2 preface is served by Netty's HTTP/2 codecs, one stream per request,
 * with the same replies; any other connection is HTTP/1.1 as before.
 */
public final class TestUpstream implements AutoCloseable {

    /** How many body bytes of each request are kept for assertions. */
    public static final int KEPT_BODY_BYTES = 1 << 20;

    private final String name;
    private final Function<RecordedRequest, Reply> responder;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final List<Channel> children = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger aborted = new AtomicInteger();
    private final AtomicInteger maxStreamsPerConnection = new AtomicInteger();
    /** SETTINGS_MAX_CONCURRENT_STREAMS for HTTP/2 connections; 0 when HTTP/2 is off. */
    private final int http2MaxStreams;
    private final Channel server;

    private TestUpstream(String name, Function<RecordedRequest, Reply> responder, int http2MaxStreams)
            throws InterruptedException {
        this.name = name;
        this.responder = responder;
        this.http2MaxStreams = http2MaxStreams;
        this.server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        int id = connections.incrementAndGet();
                        synchronized (requests) {
                            children.add(ch);
                        }
                        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                        ch.closeFuture().addListener(f -> {
                            open.decrementAndGet();
                            closed.incrementAndGet();
                        });
                        if (http2MaxStreams > 0) {
                            ch.pipeline().addLast(new PrefaceSniffer(
                                    ctx -> installHttp2(ctx, id), ctx -> installHttp1(ctx, id)));
                        } else {
                            ch.pipeline().addLast(new HttpServerCodec(), new Handler(id, false));
                        }
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    /** Starts an upstream that answers every request with {@code responder}. */
    public static TestUpstream start(String name, Function<RecordedRequest, Reply> responder) {
        return start(name, responder, 0);
    }

    /**
     * Starts an upstream that also speaks HTTP/2 (prior knowledge), allowing each HTTP/2 connection
     * {@code maxConcurrentStreams} streams at once (its SETTINGS_MAX_CONCURRENT_STREAMS). Over
     * HTTP/2, {@link Reply#close()} resets the stream and {@link Reply#raw} is not available (it
     * resets the stream too). Netty's conversion adds {@code x-http2-stream-id} and
     * {@code x-http2-scheme} to the recorded headers of an HTTP/2 request.
     */
    public static TestUpstream startHttp2(String name, Function<RecordedRequest, Reply> responder,
            int maxConcurrentStreams) {
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("maxConcurrentStreams must be at least 1");
        }
        return start(name, responder, maxConcurrentStreams);
    }

    private static TestUpstream start(String name, Function<RecordedRequest, Reply> responder, int http2MaxStreams) {
        try {
            return new TestUpstream(name, responder, http2MaxStreams);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts an upstream that answers 200 with its own name as the body. */
    public static TestUpstream named(String name) {
        return start(name, r -> Reply.ok(name));
    }

    /** This upstream's name. */
    public String name() {
        return name;
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** How many connections were accepted so far. */
    public int connectionsAccepted() {
        return connections.get();
    }

    /** The most connections that were open at the same time. */
    public int maxConcurrentConnections() {
        return maxOpen.get();
    }

    /** How many accepted connections have closed so far. */
    public int connectionsClosed() {
        return closed.get();
    }

    /** The most HTTP/2 streams that were open at the same time on one connection. */
    public int maxConcurrentStreamsPerConnection() {
        return maxStreamsPerConnection.get();
    }

    /** How many request heads have arrived so far (complete or not). */
    public int requestsStarted() {
        return started.get();
    }

    /** How many requests the peer abandoned: their connection or stream closed before the request ended. */
    public int requestsAborted() {
        return aborted.get();
    }

    /** The requests received so far, oldest first. */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Waits until at least {@code n} requests have arrived and returns them. */
    public List<RecordedRequest> awaitRequests(int n, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (requests) {
            while (requests.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException(name + ": " + requests.size() + " of " + n + " requests arrived");
                }
                TimeUnit.NANOSECONDS.timedWait(requests, left);
            }
            return List.copyOf(requests);
        }
    }

    /** The last request received; fails if there was none. */
    public RecordedRequest lastRequest() {
        synchronized (requests) {
            if (requests.isEmpty()) {
                throw new AssertionError(name + " received no request");
            }
            return requests.get(requests.size() - 1);
        }
    }

    /** Closes every accepted connection (the listening socket stays). */
    public void dropConnections() {
        List<Channel> copy;
        synchronized (requests) {
            copy = List.copyOf(children);
        }
        copy.forEach(Channel::close);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** HTTP/2 codecs, one stream per request, after the preface sniffer. */
    private void installHttp2(ChannelHandlerContext ctx, int connectionId) {
        // The multiplexer looks for the frame codec when it is added: codec first.
        ctx.pipeline().addAfter(ctx.name(), "h2-codec", Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(http2MaxStreams))
                .build());
        StreamCounter counter = new StreamCounter();
        ctx.pipeline().addAfter("h2-codec", "h2-streams", new Http2MultiplexHandler(
                new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        counter.opened();
                        ch.closeFuture().addListener(f -> counter.closed());
                        ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                                new Handler(connectionId, true));
                    }
                }));
    }

    /** The HTTP/1.1 codec and handler, after the preface sniffer. */
    private void installHttp1(ChannelHandlerContext ctx, int connectionId) {
        ctx.pipeline().addAfter(ctx.name(), "http-codec", new HttpServerCodec());
        ctx.pipeline().addAfter("http-codec", "http-handler", new Handler(connectionId, false));
    }

    /** Open streams of one HTTP/2 connection (its event loop only), feeding the upstream-wide maximum. */
    private final class StreamCounter {
        private int open;

        void opened() {
            open++;
            maxStreamsPerConnection.accumulateAndGet(open, Math::max);
        }

        void closed() {
            open--;
        }
    }

    /** One HTTP/1.1 connection, or one stream of an HTTP/2 connection. */
    private final class Handler extends SimpleChannelInboundHandler<HttpObject> {
        private final int connectionId;
        private final boolean http2;
        private HttpRequest request;
        private long bodyBytes;
        private ByteArrayOutputStream body;
        private BodyStreamer streamer;

        Handler(int connectionId, boolean http2) {
            this.connectionId = connectionId;
            this.http2 = http2;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest r) {
                started.incrementAndGet();
                request = r;
                bodyBytes = 0;
                body = new ByteArrayOutputStream();
            }
            if (msg instanceof HttpContent c) {
                ByteBuf content = c.content();
                int readable = content.readableBytes();
                bodyBytes += readable;
                int keep = (int) Math.min(readable, Math.max(0, KEPT_BODY_BYTES - body.size()));
                if (keep > 0) {
                    byte[] bytes = new byte[keep];
                    content.getBytes(content.readerIndex(), bytes);
                    body.writeBytes(bytes);
                }
            }
            if (msg instanceof LastHttpContent && request != null) {
                RecordedRequest recorded = new RecordedRequest(connectionId, request.method().name(),
                        request.uri(), new DefaultHttpHeaders().set(request.headers()), bodyBytes, body.toByteArray(),
                        http2 ? RecordedRequest.HTTP_2 : request.protocolVersion().text());
                boolean keepAlive = HttpUtil.isKeepAlive(request);
                request = null;
                synchronized (requests) {
                    requests.add(recorded);
                    requests.notifyAll();
                }
                Reply reply = responder.apply(recorded);
                if (reply.delay.isZero()) {
                    answer(ctx, reply, keepAlive);
                } else {
                    ctx.executor().schedule(() -> answer(ctx, reply, keepAlive),
                            reply.delay.toNanos(), TimeUnit.NANOSECONDS);
                }
            }
        }

        private void answer(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
            switch (reply.kind) {
                case CLOSE -> ctx.close();
                case HANG -> { }
                case RAW -> {
                    if (http2) {
                        ctx.close(); // no raw bytes inside a stream: reset it
                        return;
                    }
                    // Past the codec, which would refuse bytes that are not an HTTP message.
                    ctx.pipeline().remove(HttpServerCodec.class);
                    finish(ctx, ctx.writeAndFlush(Unpooled.copiedBuffer(reply.raw, StandardCharsets.ISO_8859_1)),
                            reply.closeAfter);
                }
                case STREAM -> stream(ctx, reply, keepAlive);
                case RESPONSE -> respond(ctx, reply, keepAlive);
                default -> throw new IllegalStateException(reply.kind.toString());
            }
        }

        private void respond(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
            ByteBuf content = Unpooled.copiedBuffer(reply.body, StandardCharsets.UTF_8);
            boolean close = reply.closeAfter || !keepAlive;
            if (reply.chunked) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(reply.status));
                head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                addHeaders(head.headers(), reply, close);
                ctx.write(head);
                if (content.isReadable()) {
                    ctx.write(new DefaultHttpContent(content));
                } else {
                    content.release();
                }
                finish(ctx, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), close);
                return;
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(reply.status), content);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            addHeaders(response.headers(), reply, close);
            finish(ctx, ctx.writeAndFlush(response), close);
        }

        private void stream(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_LENGTH, reply.streamBytes);
            addHeaders(head.headers(), reply, !keepAlive);
            ctx.writeAndFlush(head);
            streamer = new BodyStreamer(ctx, reply.streamBytes, !keepAlive);
            if (streamer.run()) {
                streamer = null;
            }
        }

        private static void addHeaders(HttpHeaders headers, Reply reply, boolean close) {
            for (Map.Entry<String, String> h : reply.headers) {
                headers.add(h.getKey(), h.getValue());
            }
            if (close) {
                headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
        }

        private static void finish(ChannelHandlerContext ctx, io.netty.channel.ChannelFuture f, boolean close) {
            if (close) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (streamer != null && ctx.channel().isWritable() && streamer.run()) {
                streamer = null;
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (request != null) {
                aborted.incrementAndGet();
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
