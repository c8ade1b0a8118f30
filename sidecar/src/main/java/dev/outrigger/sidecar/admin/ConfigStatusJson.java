package dev.outrigger.sidecar.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.xds.client.XdsClientStatus;
import java.time.Instant;
import java.util.TreeSet;

/**
 * Renders {@code /config_status}: where configuration comes from, the ADS stream's state, and per
 * resource type the last ACKed version and the last NACK with its reason — what an operator
 * checks first when "the change did not take".
 */
public final class ConfigStatusJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ConfigStatusJson() {
    }

    /** The status of a sidecar configured by a file alone. */
    public static String staticConfig(String configPath) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("source", "static");
        root.put("config_path", configPath);
        return write(root);
    }

    /**
     * The status of a sidecar fed by a control plane.
     *
     * @param target the control plane's address
     * @param nodeId the node id sent
     * @param initialized whether the first complete configuration serves
     * @param status the client's status
     */
    public static String ads(String target, String nodeId, boolean initialized, XdsClientStatus status) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("source", "ads");
        root.put("control_plane", target);
        root.put("api_type", status.apiType().name());
        root.put("node_id", nodeId);
        root.put("initialized", initialized);
        ObjectNode stream = root.putObject("stream");
        stream.put("state", status.state().name());
        stream.put("since", status.stateSince().toString());
        stream.put("streams_opened", status.streamsOpened());
        stream.put("last_error", status.lastStreamError());
        ArrayNode types = root.putArray("types");
        for (XdsClientStatus.TypeStatus t : status.types()) {
            ObjectNode n = types.addObject();
            n.put("type_url", t.typeUrl());
            n.put("wildcard", t.wildcard());
            ArrayNode names = n.putArray("subscribed");
            new TreeSet<>(t.subscribed()).forEach(names::add);
            n.put("resources", t.resourceCount());
            n.put("responses", t.responses());
            n.put("acked_version", t.ackedVersion());
            n.put("acked_at", show(t.ackedAt()));
            if (t.lastNack() == null) {
                n.putNull("last_nack");
            } else {
                ObjectNode nack = n.putObject("last_nack");
                nack.put("version", t.lastNack().version());
                nack.put("nonce", t.lastNack().nonce());
                nack.put("at", t.lastNack().at().toString());
                nack.put("detail", t.lastNack().detail());
            }
        }
        return write(root);
    }

    private static String show(Instant at) {
        return at == null ? null : at.toString();
    }

    private static String write(ObjectNode root) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
