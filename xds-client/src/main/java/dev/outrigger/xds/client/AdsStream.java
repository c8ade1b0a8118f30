package dev.outrigger.xds.client;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ADS stream, from open to failure or close: the part shared by the state-of-the-world and
 * delta variants. Runs on the client's executor, except for the gRPC callbacks of its
 * {@link Call}, which hop onto it.
 */
abstract class AdsStream {

    private static final Logger log = LoggerFactory.getLogger(AdsStream.class);

    final AdsController controller;
    private boolean nodeSent;
    private TypeState<?> handling;

    AdsStream(AdsController controller) {
        this.controller = controller;
    }

    /** Opens the call and requests every type that is to be requested, in registration order. */
    abstract void open();

    /** A type was registered while this stream is open. */
    abstract void typeAdded(TypeState<?> type);

    /** The subscribed names of {@code type} changed while this stream is open. */
    abstract void subscriptionChanged(TypeState<?> type);

    /** Cancels the call; the stream is no longer current when this is called. */
    abstract void cancel(String why);

    /**
     * Whether the next request carries the node: the first of each stream always; later ones
     * too unless {@link XdsClientOptions#nodeOnFirstRequestOnly()}, as Envoy's default
     * ({@code set_node_on_first_message_only: false}) does, because servers such as
     * java-control-plane look up the node's snapshot from every request.
     */
    final boolean takeNode() {
        if (nodeSent) {
            return !controller.options().nodeOnFirstRequestOnly();
        }
        nodeSent = true;
        return true;
    }

    /**
     * Whether a response of {@code type} is being applied: a subscription change made from its
     * watcher rides on the ACK that follows instead of a request of its own.
     */
    final boolean handling(TypeState<?> type) {
        return handling == type;
    }

    /** Runs {@code apply} as the handling of a response of {@code type}. */
    final <R> R handle(TypeState<?> type, java.util.function.Supplier<R> apply) {
        handling = type;
        try {
            return apply.get();
        } finally {
            handling = null;
        }
    }

    /**
     * The gRPC side of the stream. Responses are read one at a time: the next is asked for only
     * once the previous one has been applied on the executor, so a fast server cannot pile
     * responses up in memory.
     */
    final class Call<Q, P> implements ClientResponseObserver<Q, P> {

        private final Consumer<P> handler;
        private ClientCallStreamObserver<Q> requests;

        Call(Consumer<P> handler) {
            this.handler = handler;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
            this.requests = requestStream;
            requestStream.disableAutoRequestWithInitial(1);
        }

        @Override
        public void onNext(P response) {
            controller.execute(() -> {
                if (!controller.isCurrent(AdsStream.this)) {
                    return;
                }
                try {
                    controller.responseReceived();
                    handler.accept(response);
                } finally {
                    requests.request(1);
                }
            });
        }

        @Override
        public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            String reason = (status.getDescription() == null ? status.getCode().toString()
                    : status.getCode() + ": " + status.getDescription())
                    // "io exception" alone does not say what failed: the cause does ("Connection refused").
                    + (status.getCause() != null && status.getCause().getMessage() != null
                            ? " (" + status.getCause().getMessage() + ")" : "");
            controller.execute(() -> controller.streamEnded(AdsStream.this, reason));
        }

        @Override
        public void onCompleted() {
            controller.execute(() -> controller.streamEnded(AdsStream.this, "the server ended the stream"));
        }

        void send(Q request) {
            try {
                requests.onNext(request);
            } catch (RuntimeException e) {
                // The call is already closed; its onError is on the way and starts the backoff.
                log.debug("request not sent on a closed ADS stream", e);
            }
        }

        void cancel(String why) {
            requests.cancel(why, null);
        }
    }
}
