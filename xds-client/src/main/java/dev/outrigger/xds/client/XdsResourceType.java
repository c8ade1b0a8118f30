package dev.outrigger.xds.client;

import com.google.protobuf.Message;
import dev.outrigger.xds.ResourceInvalidException;

/**
 * One kind of xDS resource (listeners, clusters, ...) as the client needs to know it: its type
 * URL, how it is subscribed, and the parser that turns a message into an immutable value or
 * rejects it. Consumers provide the parsers; the client knows nothing about what a resource means.
 *
 * @param <T> the parsed, immutable value
 */
public interface XdsResourceType<T> {

    /** The type URL, e.g. {@code type.googleapis.com/envoy.config.listener.v3.Listener}. */
    String typeUrl();

    /** The message class the resources of this type unpack to. */
    Class<? extends Message> messageClass();

    /**
     * Whether the type is subscribed with a wildcard (LDS, CDS): the server sends every resource
     * it has, and in state-of-the-world a resource missing from a response has been deleted.
     * Other types (RDS, EDS, SDS) are subscribed by name and absence means nothing.
     */
    boolean wildcard();

    /** The name of {@code resource}, as the server and other resources refer to it. */
    String name(Message resource);

    /**
     * Parses and validates {@code resource}.
     *
     * @throws ResourceInvalidException naming the field that cannot be accepted; its message
     *     becomes part of the NACK's {@code error_detail}
     */
    T parse(Message resource) throws ResourceInvalidException;
}
