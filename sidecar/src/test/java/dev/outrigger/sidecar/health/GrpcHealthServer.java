package dev.outrigger.sidecar.health;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real grpc-java server of {@code grpc.health.v1.Health/Check} for tests, its messages
 * encoded by hand (grpc-services is not a dependency): answers the status set by {@link #status}.
 */
final class GrpcHealthServer implements AutoCloseable {

    static final int SERVING = 1;
    static final int NOT_SERVING = 2;

    private final AtomicInteger status = new AtomicInteger(SERVING);
    private final AtomicInteger calls = new AtomicInteger();
    private volatile String lastService = "";
    private final Server server;

    GrpcHealthServer() throws IOException {
        MethodDescriptor<byte[], byte[]> check = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("grpc.health.v1.Health/Check")
                .setRequestMarshaller(new Bytes())
                .setResponseMarshaller(new Bytes())
                .build();
        ServerServiceDefinition service = ServerServiceDefinition.builder("grpc.health.v1.Health")
                .addMethod(check, ServerCalls.asyncUnaryCall((request, out) -> {
                    calls.incrementAndGet();
                    lastService = request.length > 2 ? new String(request, 2, request[1]) : "";
                    out.onNext(new byte[] {0x08, (byte) status.get()});
                    out.onCompleted();
                }))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    }

    int port() {
        return server.getPort();
    }

    void status(int value) {
        status.set(value);
    }

    int calls() {
        return calls.get();
    }

    String lastService() {
        return lastService;
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Messages as raw bytes. */
    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
