package dev.outrigger.sidecar.admin;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;

/** Serves the admin paths; each answer is small and built on the admin loop. */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
    private static final String INDEX = """
            Outrigger admin
              GET  /ready              200 when serving, 503 while starting or draining
              GET  /healthz            200 while the process is alive
              GET  /server_info        version, state, uptime (JSON)
              GET  /stats/prometheus   metrics in Prometheus text format
              GET  /config_dump        configuration, each dynamic resource with its version,
                                       when it was received and when applied (Envoy ConfigDump JSON)
              GET  /config_status      control-plane stream: state, per type the last ACKed
                                       version and the last NACK with its reason (JSON)
              GET  /certs              TLS certificates in use: SPIFFE ID, serial, seconds to expiry (JSON)
              GET  /clusters           endpoints and counters (?format=json for JSON)
              POST /drain              stop accepting, finish in-flight requests, exit
            """;

    private final AdminBackend backend;

    AdminHandler(AdminBackend backend) {
        this.backend = backend;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            send(ctx, request, HttpResponseStatus.BAD_REQUEST, TEXT, "malformed request\n");
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        HttpMethod method = request.method();
        if (path.equals("/drain")) {
            if (!method.equals(HttpMethod.POST)) {
                methodNotAllowed(ctx, request, "POST");
                return;
            }
            FullHttpResponse r = response(ctx, HttpResponseStatus.ACCEPTED, TEXT, "draining\n");
            HttpUtil.setKeepAlive(r, false);
            // Answer first: draining may end the process before a later write would leave.
            ctx.writeAndFlush(r).addListener(f -> backend.startDrain());
            return;
        }
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            methodNotAllowed(ctx, request, "GET, HEAD");
            return;
        }
        switch (path) {
            case "/", "/help" -> send(ctx, request, HttpResponseStatus.OK, TEXT, INDEX);
            case "/ready" -> {
                boolean ready = backend.isReady();
                send(ctx, request, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT,
                        backend.serverInfo().getState().name() + "\n");
            }
            case "/healthz" -> send(ctx, request, HttpResponseStatus.OK, TEXT, "ok\n");
            case "/server_info" -> send(ctx, request, HttpResponseStatus.OK, JSON, json(backend.serverInfo()));
            case "/stats/prometheus" -> send(ctx, request, HttpResponseStatus.OK, PROMETHEUS,
                    backend.prometheusScrape());
            case "/config_dump" -> send(ctx, request, HttpResponseStatus.OK, JSON, backend.configDumpJson());
            case "/config_status" -> send(ctx, request, HttpResponseStatus.OK, JSON, backend.configStatusJson());
            case "/certs" -> send(ctx, request, HttpResponseStatus.OK, JSON, backend.certsJson());
            case "/clusters" -> {
                List<String> format = uri.parameters().get("format");
                if (format != null && format.contains("json")) {
                    send(ctx, request, HttpResponseStatus.OK, JSON, json(backend.clusters()));
                } else {
                    send(ctx, request, HttpResponseStatus.OK, TEXT, ClustersText.render(backend.clusters()));
                }
            }
            default -> send(ctx, request, HttpResponseStatus.NOT_FOUND, TEXT,
                    "unknown admin path " + path + "\n\n" + INDEX);
        }
    }

    private static void methodNotAllowed(ChannelHandlerContext ctx, FullHttpRequest request, String allow) {
        FullHttpResponse r = response(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT,
                "method " + request.method() + " not allowed; use " + allow + "\n");
        r.headers().set(HttpHeaderNames.ALLOW, allow);
        write(ctx, request, r);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
            String contentType, String body) {
        write(ctx, request, response(ctx, status, contentType, body));
    }

    private static FullHttpResponse response(ChannelHandlerContext ctx, HttpResponseStatus status,
            String contentType, String body) {
        ByteBuf content = ByteBufUtil.writeUtf8(ctx.alloc(), body);
        FullHttpResponse r = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, max-age=0");
        return r;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse r) {
        HttpUtil.setKeepAlive(r, HttpUtil.isKeepAlive(request));
        ctx.writeAndFlush(r);
    }

    private static String json(MessageOrBuilder message) {
        try {
            return JsonFormat.printer().print(message) + "\n";
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("admin message cannot be printed", e);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
