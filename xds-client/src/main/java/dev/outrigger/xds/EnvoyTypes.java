package dev.outrigger.xds;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Finds the generated Java class of a protobuf message from its full name or type URL
 * ({@code type.googleapis.com/envoy.config.listener.v3.Listener}), for the message families
 * Outrigger can meet inside an {@code Any}: Envoy's, the xDS and UDPA ones, Google's
 * well-known types and Outrigger's own.
 *
 * <p>Classes are found by the packages' Java naming convention and loaded on first use, so
 * no list of types has to be kept in step with the API jar. Thread-safe.
 */
public final class EnvoyTypes {

    /** The prefix of every type URL Outrigger writes. */
    public static final String TYPE_URL_PREFIX = "type.googleapis.com/";

    // proto package prefix -> Java package prefix, from the java_package options of each family.
    private static final List<Map.Entry<String, String>> PACKAGES = List.of(
            Map.entry("envoy.", "io.envoyproxy.envoy."),
            Map.entry("xds.", "com.github.xds."),
            Map.entry("udpa.", "com.github.udpa.udpa."),
            Map.entry("outrigger.", "dev.outrigger.proto."),
            Map.entry("google.protobuf.", "com.google.protobuf."));

    private static final Pattern FULL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+");

    // Only successful look-ups are cached: names come from config and control planes, and a
    // stream of bogus names must not grow memory.
    private static final Map<String, Class<? extends Message>> CLASSES = new ConcurrentHashMap<>();

    private EnvoyTypes() {
    }

    /** The generated class of the message with this full name ({@code envoy.config.cluster.v3.Cluster}). */
    public static Optional<Class<? extends Message>> messageClass(String fullName) {
        Class<? extends Message> cached = CLASSES.get(fullName);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Class<? extends Message>> found = load(fullName);
        found.ifPresent(c -> CLASSES.putIfAbsent(fullName, c));
        return found;
    }

    /** The descriptor of the message with this full name. */
    public static Optional<Descriptor> descriptor(String fullName) {
        return messageClass(fullName).map(EnvoyTypes::descriptorOf);
    }

    /** The descriptor of the message a type URL names (any host prefix is accepted, as protobuf does). */
    public static Optional<Descriptor> forTypeUrl(String typeUrl) {
        int slash = typeUrl.lastIndexOf('/');
        return slash < 0 ? Optional.empty() : descriptor(typeUrl.substring(slash + 1));
    }

    /** The default instance of the message a type URL names. */
    public static Optional<Message> defaultInstance(String typeUrl) {
        int slash = typeUrl.lastIndexOf('/');
        return slash < 0
                ? Optional.empty()
                : messageClass(typeUrl.substring(slash + 1)).map(com.google.protobuf.Internal::getDefaultInstance);
    }

    /** The type URL of a message type: {@code type.googleapis.com/} and its full name. */
    public static String typeUrl(Descriptor type) {
        return TYPE_URL_PREFIX + type.getFullName();
    }

    /**
     * A registry of every type packed in an {@code Any} anywhere inside {@code messages}, at any
     * depth, for printing them with {@link JsonFormat}. Types Outrigger cannot resolve are left
     * out; printing such a message then fails with the type URL in the message.
     */
    public static JsonFormat.TypeRegistry typeRegistryFor(MessageOrBuilder... messages) {
        JsonFormat.TypeRegistry.Builder registry = JsonFormat.TypeRegistry.newBuilder();
        Set<String> added = new HashSet<>();
        for (MessageOrBuilder message : messages) {
            collectAnyTypes(message, registry, added);
        }
        return registry.build();
    }

    private static void collectAnyTypes(MessageOrBuilder message, JsonFormat.TypeRegistry.Builder registry,
            Set<String> added) {
        Descriptor type = message.getDescriptorForType();
        if (type.getFullName().equals("google.protobuf.Any")) {
            String url = (String) message.getField(type.findFieldByName("type_url"));
            ByteString value = (ByteString) message.getField(type.findFieldByName("value"));
            Optional<Descriptor> packed = forTypeUrl(url);
            if (packed.isEmpty()) {
                return;
            }
            if (added.add(packed.get().getFullName())) {
                registry.add(packed.get());
            }
            try {
                collectAnyTypes(DynamicMessage.parseFrom(packed.get(), value), registry, added);
            } catch (InvalidProtocolBufferException e) {
                // Undecodable bytes hold no further types; the printer reports them itself.
            }
            return;
        }
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (field.getKey().isRepeated()) {
                for (Object element : (List<?>) field.getValue()) {
                    collectAnyTypes((MessageOrBuilder) element, registry, added);
                }
            } else {
                collectAnyTypes((MessageOrBuilder) field.getValue(), registry, added);
            }
        }
    }

    private static Optional<Class<? extends Message>> load(String fullName) {
        if (!FULL_NAME.matcher(fullName).matches()) {
            return Optional.empty();
        }
        String className = javaClassName(fullName);
        if (className == null) {
            return Optional.empty();
        }
        try {
            // Not initialized until it is known to be a message: the name comes from input.
            Class<?> c = Class.forName(className, false, EnvoyTypes.class.getClassLoader());
            if (!Message.class.isAssignableFrom(c)) {
                return Optional.empty();
            }
            Class<? extends Message> messageClass = c.asSubclass(Message.class);
            Method getDescriptor = messageClass.getMethod("getDescriptor");
            if (!Modifier.isStatic(getDescriptor.getModifiers())
                    || !Descriptor.class.equals(getDescriptor.getReturnType())) {
                return Optional.empty(); // protobuf's own runtime classes, not a generated message
            }
            // Convention can misfire (a package with a capital letter); trust only an exact match.
            return descriptorOf(messageClass).getFullName().equals(fullName)
                    ? Optional.of(messageClass)
                    : Optional.empty();
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            return Optional.empty();
        }
    }

    /**
     * The binary class name for a full message name, or null outside the known families:
     * {@code envoy.config.cluster.v3.Cluster.CommonLbConfig} becomes
     * {@code io.envoyproxy.envoy.config.cluster.v3.Cluster$CommonLbConfig}.
     */
    static String javaClassName(String fullName) {
        for (Map.Entry<String, String> p : PACKAGES) {
            if (!fullName.startsWith(p.getKey())) {
                continue;
            }
            String[] parts = fullName.substring(p.getKey().length()).split("\\.");
            StringBuilder sb = new StringBuilder(p.getValue());
            boolean inMessage = false;
            for (int i = 0; i < parts.length; i++) {
                // Packages are lower case and messages start upper case, in every family above.
                boolean isType = Character.isUpperCase(parts[i].charAt(0));
                if (i > 0) {
                    sb.append(inMessage ? '$' : '.');
                }
                inMessage |= isType;
                sb.append(parts[i]);
            }
            return inMessage ? sb.toString() : null;
        }
        return null;
    }

    private static Descriptor descriptorOf(Class<? extends Message> c) {
        try {
            return (Descriptor) c.getMethod("getDescriptor").invoke(null);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException(c.getName() + " is not a generated protobuf message", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot initialise " + c.getName(), e.getCause());
        }
    }
}
