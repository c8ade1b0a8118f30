package dev.outrigger.sidecar.config;

import com.google.protobuf.UInt32Value;
import dev.outrigger.sidecar.snapshot.Http2Settings;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;

/**
 * Translates Envoy's {@code Http2ProtocolOptions}, for a connection manager's clients or a
 * cluster's endpoints, into {@link Http2Settings}. Unset values take Outrigger's defaults
 * ({@link Http2Settings#DEFAULTS}), which are smaller than Envoy's on purpose.
 */
final class Http2OptionsTranslator {

    /** Envoy's lower bound for both flow-control windows: the HTTP/2 default window. */
    static final long MIN_WINDOW = 65_535;
    /** The largest window HTTP/2 allows (2^31 - 1), also the bound on concurrent streams. */
    static final long MAX_VALUE = Integer.MAX_VALUE;

    private Http2OptionsTranslator() {
    }

    /** Translates {@code options} found at {@code path}. */
    static Http2Settings translate(Http2ProtocolOptions options, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(options, path, "max_concurrent_streams", "initial_stream_window_size",
                "initial_connection_window_size");
        Http2Settings d = Http2Settings.DEFAULTS;
        int streams = options.hasMaxConcurrentStreams()
                ? inRange(options.getMaxConcurrentStreams(), 1, path.field("max_concurrent_streams"))
                : d.maxConcurrentStreams();
        int streamWindow = options.hasInitialStreamWindowSize()
                ? inRange(options.getInitialStreamWindowSize(), MIN_WINDOW, path.field("initial_stream_window_size"))
                : d.initialStreamWindowSize();
        int connectionWindow = options.hasInitialConnectionWindowSize()
                ? inRange(options.getInitialConnectionWindowSize(), MIN_WINDOW,
                        path.field("initial_connection_window_size"))
                : d.initialConnectionWindowSize();
        return new Http2Settings(streams, streamWindow, connectionWindow);
    }

    private static int inRange(UInt32Value value, long min, FieldPath path) throws ResourceInvalidException {
        long v = Integer.toUnsignedLong(value.getValue());
        if (v < min || v > MAX_VALUE) {
            throw path.invalid(v + " is out of range " + min + ".." + MAX_VALUE);
        }
        return (int) v;
    }
}
