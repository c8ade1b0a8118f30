package dev.outrigger.sidecar.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.outrigger.proto.ratelimit.v1.PeerIdentityDescriptor;
import java.io.IOException;

/** Reads one protobuf message from YAML, the way operators write filter configurations. */
final class ProtoYaml {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().usingTypeRegistry(JsonFormat.TypeRegistry
            .newBuilder()
            .add(PeerIdentityDescriptor.getDescriptor())
            .add(Struct.getDescriptor())
            .build());

    private ProtoYaml() {
    }

    /** The message of {@code builder}'s type that {@code yaml} describes. */
    @SuppressWarnings("unchecked")
    static <T extends Message> T parse(String yaml, Message.Builder builder) {
        try {
            JsonNode tree = YAML.readTree(yaml);
            PARSER.merge(tree == null || tree.isMissingNode() ? "{}" : JSON.writeValueAsString(tree), builder);
            return (T) builder.build();
        } catch (IOException e) {
            throw new AssertionError("test YAML does not parse: " + e.getMessage(), e);
        }
    }
}
