package dev.outrigger.sidecar.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.outrigger.sidecar.snapshot.ResourceLog;
import dev.outrigger.sidecar.snapshot.ResourceLog.Entry;
import dev.outrigger.sidecar.snapshot.ResourceLog.Kind;
import dev.outrigger.xds.EnvoyTypes;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;

/**
 * {@code /config_dump} with the resources a control plane delivered, in Envoy's layout
 * ({@code dynamic_listeners} with {@code active_state}/{@code warming_state}/{@code error_state},
 * {@code dynamic_active_clusters}, {@code dynamic_warming_clusters}, {@code dynamic_route_configs},
 * {@code dynamic_endpoint_configs}, {@code dynamic_active_secrets}). Each dynamic entry also says
 * when it was received and when it was applied ({@code received_at}, {@code applied_at}): the
 * question Envoy's dump leaves open. Private keys are redacted.
 */
public final class DynamicConfigDumps {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ADMIN = "type.googleapis.com/envoy.admin.v3.";

    private DynamicConfigDumps() {
    }

    /**
     * {@code dumpJson} with every inline private key replaced by {@code [redacted]}, wherever it
     * sits (a listener's or cluster's {@code transport_socket}, a secret): keys never leave the
     * process, as in Envoy.
     */
    public static String redactKeys(String dumpJson) {
        try {
            JsonNode root = MAPPER.readTree(dumpJson);
            redact(root);
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot redact /config_dump", e);
        }
    }

    private static void redact(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            JsonNode key = o.get("private_key");
            if (key != null && key.isObject()) {
                for (String inline : new String[] {"inline_string", "inline_bytes"}) {
                    if (key.has(inline)) {
                        ((ObjectNode) key).put(inline, "[redacted]");
                    }
                }
            }
            o.elements().forEachRemaining(DynamicConfigDumps::redact);
        } else if (node.isArray()) {
            node.elements().forEachRemaining(DynamicConfigDumps::redact);
        }
    }

    /** The static dump {@code staticDump} with every resource in {@code log} added. */
    public static String render(String staticDump, ResourceLog log) {
        try {
            ObjectNode root = (ObjectNode) MAPPER.readTree(staticDump);
            ArrayNode configs = (ArrayNode) root.get("configs");
            ObjectNode clusters = section(configs, "ClustersConfigDump");
            ArrayNode active = clusters.putArray("dynamic_active_clusters");
            ArrayNode warming = clusters.putArray("dynamic_warming_clusters");
            for (ResourceLog.Versions v : log.all(Kind.CLUSTER)) {
                if (v.active() != null) {
                    active.add(versioned(v.active(), "cluster"));
                }
                if (v.pending() != null) {
                    warming.add(versioned(v.pending(), "cluster"));
                }
            }
            ObjectNode listeners = section(configs, "ListenersConfigDump");
            ArrayNode dynamicListeners = listeners.putArray("dynamic_listeners");
            for (ResourceLog.Versions v : log.all(Kind.LISTENER)) {
                ObjectNode l = dynamicListeners.addObject();
                Entry pending = v.pending();
                l.put("name", (v.active() != null ? v.active() : pending).name());
                if (v.active() != null) {
                    l.set("active_state", versioned(v.active(), "listener"));
                }
                if (pending != null && pending.error() != null) {
                    ObjectNode error = l.putObject("error_state");
                    error.set("failed_configuration", resource(pending.message()));
                    error.put("last_update_attempt", pending.receivedAt().toString());
                    error.put("details", pending.error());
                } else if (pending != null) {
                    l.set("warming_state", versioned(pending, "listener"));
                }
            }
            ArrayNode routes = section(configs, "RoutesConfigDump").putArray("dynamic_route_configs");
            newest(log, Kind.ROUTE).forEach(e -> routes.add(versioned(e, "route_config")));
            ObjectNode endpoints = configs.addObject();
            endpoints.put("@type", ADMIN + "EndpointsConfigDump");
            ArrayNode eds = endpoints.putArray("dynamic_endpoint_configs");
            newest(log, Kind.ENDPOINTS).forEach(e -> eds.add(versioned(e, "endpoint_config")));
            ObjectNode secrets = configs.addObject();
            secrets.put("@type", ADMIN + "SecretsConfigDump");
            ArrayNode sds = secrets.putArray("dynamic_active_secrets");
            for (Entry e : newest(log, Kind.SECRET)) {
                ObjectNode s = versioned(new Entry(e.name(), e.version(), redact(e.message()), e.receivedAt(),
                        e.appliedAt(), e.error()), "secret");
                s.put("name", e.name());
                sds.add(s);
            }
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render /config_dump", e);
        }
    }

    // Routes, endpoints and secrets apply as they arrive: the newest version is the one serving.
    private static java.util.List<Entry> newest(ResourceLog log, Kind kind) {
        return log.all(kind).stream().map(v -> v.pending() != null ? v.pending() : v.active()).toList();
    }

    private static ObjectNode section(ArrayNode configs, String type) {
        for (JsonNode n : configs) {
            if (n.path("@type").asText().equals(ADMIN + type)) {
                return (ObjectNode) n;
            }
        }
        ObjectNode created = configs.addObject();
        created.put("@type", ADMIN + type);
        return created;
    }

    private static ObjectNode versioned(Entry e, String field) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("version_info", e.version());
        n.set(field, resource(e.message()));
        if (e.applied()) {
            n.put("last_updated", e.appliedAt().toString());
        }
        n.put("received_at", e.receivedAt().toString());
        n.put("applied_at", e.applied() ? e.appliedAt().toString() : null);
        return n;
    }

    private static JsonNode resource(Message message) {
        try {
            Any any = Any.pack(message);
            String json = JsonFormat.printer()
                    .usingTypeRegistry(EnvoyTypes.typeRegistryFor(any))
                    .preservingProtoFieldNames()
                    .print(any);
            return MAPPER.readTree(json);
        } catch (InvalidProtocolBufferException | JsonProcessingException e) {
            ObjectNode n = MAPPER.createObjectNode();
            n.put("@type", EnvoyTypes.typeUrl(message.getDescriptorForType()));
            n.put("error", "cannot print: " + e.getMessage());
            return n;
        }
    }

    // As Envoy does: the key never leaves the process.
    private static Message redact(Message message) {
        if (!(message instanceof Secret secret) || !secret.hasTlsCertificate()
                || !secret.getTlsCertificate().hasPrivateKey()) {
            return message;
        }
        Secret.Builder b = secret.toBuilder();
        b.getTlsCertificateBuilder().setPrivateKey(DataSource.newBuilder().setInlineString("[redacted]"));
        return b.build();
    }
}
