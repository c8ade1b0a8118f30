package dev.outrigger.xds.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** An event listener that keeps every event. */
final class RecordingEvents implements XdsEventListener {

    /** One onResponse call. */
    record Response(String typeUrl, int accepted, int rejected, int removed) {
    }

    private final List<StreamState> states = new ArrayList<>();
    private final List<Duration> delays = new ArrayList<>();
    private final List<Response> responses = new ArrayList<>();
    private volatile Runnable onCall = () -> { };

    RecordingEvents onCall(Runnable r) {
        this.onCall = r;
        return this;
    }

    @Override
    public synchronized void onStreamState(StreamState state) {
        onCall.run();
        states.add(state);
    }

    @Override
    public synchronized void onReconnectScheduled(Duration delay, String reason) {
        onCall.run();
        delays.add(delay);
    }

    @Override
    public synchronized void onResponse(String typeUrl, int accepted, int rejected, int removed) {
        onCall.run();
        responses.add(new Response(typeUrl, accepted, rejected, removed));
    }

    synchronized List<StreamState> states() {
        return new ArrayList<>(states);
    }

    synchronized List<Duration> delays() {
        return new ArrayList<>(delays);
    }

    synchronized List<Response> responses() {
        return new ArrayList<>(responses);
    }
}
