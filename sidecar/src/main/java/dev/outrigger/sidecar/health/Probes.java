package dev.outrigger.sidecar.health;

import dev.outrigger.sidecar.cluster.EndpointState;
import dev.outrigger.sidecar.cluster.HealthCheckConfig;
import dev.outrigger.sidecar.upstream.UpstreamCluster;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Starts one probe of an endpoint: connects (with the cluster's TLS, if any) on the session's
 * event loop and hands the connection to the handlers of the probe's kind (HTTP, TCP or gRPC).
 * A failed connect or a connection closed before the result is decided is a network failure.
 */
final class Probes {

    private Probes() {
    }

    /** Probes {@code endpoint} of {@code cluster} as {@code probe} says; the result goes to {@code outcome}. */
    static void start(HealthCheckConfig.Probe probe, UpstreamCluster cluster, EventLoop loop, EndpointState endpoint,
            Duration timeout, ProbeOutcome outcome) {
        Consumer<Channel> handlers;
        if (probe instanceof HealthCheckConfig.Http http) {
            handlers = ch -> HttpProbe.addHandlers(ch, http, cluster.name(), outcome);
        } else if (probe instanceof HealthCheckConfig.Tcp tcp) {
            handlers = ch -> TcpProbe.addHandlers(ch, tcp, outcome);
        } else {
            HealthCheckConfig.Grpc grpc = (HealthCheckConfig.Grpc) probe;
            boolean tls = cluster.config().tls() != null;
            handlers = ch -> GrpcProbe.addHandlers(ch, grpc, cluster.name(), tls, outcome);
        }
        int connectMillis = (int) Math.max(1, Math.min(timeout.toMillis(), cluster.config().connectTimeout().toMillis()));
        Bootstrap b = cluster.bootstrap(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        handlers.accept(ch);
                        ch.pipeline().addLast("hc-errors", new Errors(outcome));
                        cluster.addTls(ch, endpoint);
                    }
                });
        ChannelFuture connect = b.connect(endpoint.address());
        outcome.attach(connect.channel());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                outcome.fail("connect failed: " + describe(f.cause()), false);
            } else {
                connect.channel().closeFuture().addListener(c -> outcome.fail("connection closed", false));
            }
        });
    }

    /** A short description of {@code cause} for a log line. */
    static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        String m = cause.getMessage();
        return cause.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** Last in the pipeline: an exception is a network failure (the connection closes with it). */
    private static final class Errors extends ChannelInboundHandlerAdapter {
        private final ProbeOutcome outcome;

        Errors(ProbeOutcome outcome) {
            this.outcome = outcome;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            outcome.fail("connection error: " + describe(cause), false);
            ctx.close();
        }
    }
}
