package dev.outrigger.sidecar.ratelimit.global;

import dev.outrigger.sidecar.route.HeaderNames;
import java.util.Locale;
import java.util.Objects;

/**
 * A header a rate limit service asks to add to the response or to the upstream request, as the
 * protocol's {@code HeaderValue}. The name is lower case; neither it nor the value can smuggle in
 * another header, and a pseudo-header or {@code host} cannot be named.
 *
 * @param name the header name, lower case
 * @param value the header value
 */
public record HeaderValue(String name, String value) {

    public HeaderValue {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        name = name.toLowerCase(Locale.ROOT);
        String reason = HeaderNames.notModifiableReason(name);
        if (reason != null) {
            throw new IllegalArgumentException(reason);
        }
        if (!HeaderNames.isValidValue(value)) {
            throw new IllegalArgumentException("the value of " + name + " contains CR, LF or NUL");
        }
    }
}
