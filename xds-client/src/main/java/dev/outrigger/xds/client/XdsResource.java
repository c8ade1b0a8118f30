package dev.outrigger.xds.client;

import com.google.protobuf.Message;
import java.time.Instant;
import java.util.Objects;

/**
 * One accepted resource as received: its parsed value, the message it came from and the
 * version it arrived with.
 *
 * @param name the resource name
 * @param version the version: in state-of-the-world the response's {@code version_info}, in
 *     delta the resource's own {@code version}
 * @param value the parsed value
 * @param message the resource message (for {@code /config_dump})
 * @param receivedAt when the response carrying it arrived
 * @param <T> the parsed type
 */
public record XdsResource<T>(String name, String version, T value, Message message, Instant receivedAt) {

    public XdsResource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
