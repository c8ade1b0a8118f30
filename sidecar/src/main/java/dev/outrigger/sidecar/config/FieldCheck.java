package dev.outrigger.sidecar.config;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rejects any field Outrigger does not implement. A translator calls {@link #only} on every
 * message it reads, naming the fields it handles; a set field outside that list is an error
 * naming its path, so nothing in a config is ever silently ignored.
 */
final class FieldCheck {

    private FieldCheck() {
    }

    /**
     * Throws if {@code message} has a field set (non-default) other than {@code supported}.
     *
     * @param message the message being translated
     * @param path where {@code message} is
     * @param supported proto field names (snake_case) the caller handles
     */
    static void only(MessageOrBuilder message, FieldPath path, String... supported)
            throws ResourceInvalidException {
        for (FieldDescriptor field : message.getAllFields().keySet()) {
            if (!contains(supported, field.getName())) {
                Set<String> names = new TreeSet<>(Set.of(supported));
                throw path.field(field.getName()).invalid(
                        "field is not supported by Outrigger"
                                + (names.isEmpty() ? "" : " (supported here: " + String.join(", ", names) + ")"));
            }
        }
    }

    private static boolean contains(String[] names, String name) {
        for (String n : names) {
            if (n.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
