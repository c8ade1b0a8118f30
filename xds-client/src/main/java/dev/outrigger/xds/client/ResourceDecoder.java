package dev.outrigger.xds.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Turns the resources of one response into parsed values and rejections, resource by resource,
 * so that one bad resource does not cost the good ones of the same response.
 */
final class ResourceDecoder {

    private ResourceDecoder() {
    }

    /**
     * One resource as the response carried it.
     *
     * @param index its position in the response, to name it when nothing else can
     * @param name the name the response gave it (delta {@code Resource.name}), or empty
     * @param any the packed message
     * @param version the version it came with
     */
    record Candidate(int index, String name, Any any, String version) {
    }

    /** A resource that unpacked and parsed. */
    record Parsed<T>(Message message, T value, String version) {
    }

    /**
     * What a response held.
     *
     * @param valid parsed resources by name, in response order
     * @param present every wanted name the response carried, valid or not
     * @param allNamed false when some resource could not even be unpacked to learn its name
     * @param errors one line per rejected resource, for {@code error_detail}
     */
    record Decoded<T>(Map<String, Parsed<T>> valid, Set<String> present, boolean allNamed, List<String> errors) {
    }

    /**
     * Decodes {@code candidates} as resources of {@code type}; names {@code wanted} rejects are
     * skipped silently (a named type's resources nobody subscribed to).
     */
    static <T> Decoded<T> decode(XdsResourceType<T> type, List<Candidate> candidates, Predicate<String> wanted) {
        String label = label(type);
        List<String> errors = new ArrayList<>();
        boolean allNamed = true;
        Map<String, List<Unpacked>> byName = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            Message message;
            try {
                message = unpack(type, c.any());
            } catch (ResourceInvalidException e) {
                if (c.name().isEmpty()) {
                    allNamed = false;
                } else if (!wanted.test(c.name())) {
                    continue;
                }
                errors.add(label + " " + describe(c) + ": " + e.getMessage());
                continue;
            }
            String name = type.name(message);
            if (!wanted.test(name)) {
                continue;
            }
            byName.computeIfAbsent(name, n -> new ArrayList<>()).add(new Unpacked(c, message));
        }

        Map<String, Parsed<T>> valid = new LinkedHashMap<>();
        Set<String> present = new HashSet<>();
        for (Map.Entry<String, List<Unpacked>> e : byName.entrySet()) {
            String name = e.getKey();
            present.add(name);
            List<Unpacked> same = e.getValue();
            if (same.size() > 1) {
                errors.add(label + " " + quote(name) + ": duplicate resource name (" + same.size()
                        + " resources of this name in one response)");
                continue;
            }
            Unpacked u = same.get(0);
            try {
                valid.put(name, new Parsed<>(u.message(), type.parse(u.message()), u.candidate().version()));
            } catch (ResourceInvalidException ex) {
                errors.add(label + " " + quote(name) + ": " + ex.getMessage());
            } catch (RuntimeException ex) {
                // A parser bug must cost one resource, not the stream.
                errors.add(label + " " + quote(name) + ": parser failed: " + ex);
            }
        }
        return new Decoded<>(valid, present, allNamed, errors);
    }

    /** How a rejection line names a resource of {@code type}: the message's simple name. */
    static String label(XdsResourceType<?> type) {
        return type.messageClass().getSimpleName();
    }

    static String quote(String name) {
        return "\"" + name + "\"";
    }

    private record Unpacked(Candidate candidate, Message message) {
    }

    private static Message unpack(XdsResourceType<?> type, Any any) throws ResourceInvalidException {
        if (!any.is(type.messageClass())) {
            throw new ResourceInvalidException(FieldPath.ROOT,
                    "type URL " + any.getTypeUrl() + " is not " + type.typeUrl());
        }
        try {
            return any.unpack(type.messageClass());
        } catch (InvalidProtocolBufferException e) {
            throw new ResourceInvalidException(FieldPath.ROOT,
                    "cannot be decoded: " + e.getMessage());
        }
    }

    private static String describe(Candidate c) {
        return c.name().isEmpty() ? "at index " + c.index() : quote(c.name());
    }
}
