package dev.outrigger.sidecar.route;

import java.util.Locale;
import java.util.Objects;

/**
 * One header to add, as Envoy's {@code HeaderValueOption}.
 *
 * @param name the lower-case header name
 * @param value the value template
 * @param action what to do when the header exists
 * @param keepEmptyValue add the header even when the value renders empty ({@code keep_empty_value})
 */
public record HeaderAddition(String name, HeaderTemplate value, AppendAction action, boolean keepEmptyValue) {

    public HeaderAddition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(action, "action");
        String problem = HeaderNames.notModifiableReason(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (!name.equals(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("header name " + name + " must be lower-case");
        }
    }
}
