package dev.outrigger.sidecar.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String json(Map<String, ?> fields, boolean omit, AccessLogEntry entry) {
        StringBuilder out = new StringBuilder();
        JsonFormat.of(fields, omit).format(entry, out);
        return out.toString();
    }

    private static Map<String, Object> fields(String... keysAndFormats) throws InvalidFormatException {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndFormats.length; i += 2) {
            fields.put(keysAndFormats[i], Template.parse(keysAndFormats[i + 1]));
        }
        return fields;
    }

    @Test
    void aLoneOperatorKeepsItsTypeAndKeysAreSorted() throws Exception {
        String line = json(fields(
                "status", "%RESPONSE_CODE%",
                "duration", "%DURATION%",
                "bytes_in", "%BYTES_RECEIVED%",
                "bytes_out", "%BYTES_SENT%",
                "start", "%START_TIME%",
                "method", "%REQ(:METHOD)%",
                "flags", "%RESPONSE_FLAGS%",
                "policy", "%DYNAMIC_METADATA(envoy.filters.http.rbac:enforced_effective_policy_id)%",
                "rbac", "%DYNAMIC_METADATA(envoy.filters.http.rbac)%"), false, Entries.full());
        assertEquals("{\"bytes_in\":154,\"bytes_out\":0,\"duration\":226,\"flags\":\"upstream_reset\","
                + "\"method\":\"POST\",\"policy\":\"allow-nsq\",\"rbac\":{\"enforced_effective_policy_id\":\"allow-nsq\","
                + "\"shadow_engine_result\":\"denied\"},\"start\":\"2016-04-15T20:17:00.310Z\",\"status\":204}\n", line);
    }

    @Test
    void missingValuesAreNullAndMixedStringsUseADash() throws Exception {
        String line = json(fields(
                "status", "%RESPONSE_CODE%",
                "duration", "%DURATION%",
                "route", "%ROUTE_NAME%",
                "policy", "%DYNAMIC_METADATA(envoy.filters.http.rbac:enforced_effective_policy_id)%",
                "request", "%REQ(:METHOD)% %REQ(:PATH)%"), false, Entries.empty());
        assertEquals("{\"duration\":null,\"policy\":null,\"request\":\"- -\",\"route\":null,\"status\":0}\n", line);
    }

    @Test
    void omitEmptyValuesLeavesMissingKeysOut() throws Exception {
        Map<String, Object> fields = fields("route", "%ROUTE_NAME%", "status", "%RESPONSE_CODE%",
                "request", "%REQ(:METHOD)%%REQ(:PATH)%", "label", "");
        fields.put("nested", fields("cluster", "%UPSTREAM_CLUSTER%"));
        assertEquals("{\"status\":0}\n", json(fields, true, Entries.empty()));
        assertEquals("{}\n", json(fields("route", "%ROUTE_NAME%"), true, Entries.empty()));
    }

    @Test
    void stringsAreEscaped() throws Exception {
        AccessLogEntry e = Entries.empty()
                .userAgent("quote\" backslash\\ newline\n tab\t cr\r bell\u0007 unicode é\uD83D\uDE00")
                .method("GET");
        String line = json(fields("ua", "%REQ(user-agent)%", "mixed", "%REQ(:METHOD)% \"%REQ(user-agent)%\""),
                false, e);
        assertEquals("{\"mixed\":\"GET \\\"quote\\\" backslash\\\\ newline\\n tab\\t cr\\r bell\\u0007 unicode "
                + "é\uD83D\uDE00\\\"\",\"ua\":\"quote\\\" backslash\\\\ newline\\n tab\\t cr\\r bell\\u0007 unicode "
                + "é\uD83D\uDE00\"}\n", line);
        JsonNode parsed = JSON.readTree(line);
        assertEquals(e.userAgent, parsed.get("ua").asText(), "a JSON parser reads back the original value");
    }

    @Test
    void maxLengthCutsStringsButNotTypedMetadata() throws Exception {
        String line = json(fields("custom", "%REQ(x-custom):3%",
                "rbac", "%DYNAMIC_METADATA(envoy.filters.http.rbac):5%"), false, Entries.full());
        assertEquals("{\"custom\":\"abc\",\"rbac\":{\"enforced_effective_policy_id\":\"allow-nsq\","
                + "\"shadow_engine_result\":\"denied\"}}\n", line);
    }

    @Test
    void metadataKeepsNumbersBooleansAndNestedObjects() throws Exception {
        AccessLogEntry e = Entries.empty()
                .metadata("ns", "count", 3)
                .metadata("ns", "ratio", 2.0)
                .metadata("ns", "ok", false)
                .metadata("ns", "list", List.of("a", 1))
                .metadata("ns", "obj", Map.of("k", "v"));
        String line = json(fields("count", "%DYNAMIC_METADATA(ns:count)%", "ratio", "%DYNAMIC_METADATA(ns:ratio)%",
                "ok", "%DYNAMIC_METADATA(ns:ok)%", "list", "%DYNAMIC_METADATA(ns:list)%",
                "obj", "%DYNAMIC_METADATA(ns:obj)%"), false, e);
        assertEquals("{\"count\":3,\"list\":[\"a\",1],\"obj\":{\"k\":\"v\"},\"ok\":false,\"ratio\":2}\n", line);
    }

    @Test
    void nestedObjectsAndConstants() throws Exception {
        Map<String, Object> fields = fields("status", "%RESPONSE_CODE%", "kind", "access");
        fields.put("upstream", fields("host", "%UPSTREAM_HOST%", "cluster", "%UPSTREAM_CLUSTER%"));
        fields.put("version", 2);
        fields.put("sampled", true);
        fields.put("nothing", null);
        String line = json(fields, false, Entries.full());
        assertEquals("{\"kind\":\"access\",\"nothing\":null,\"sampled\":true,\"status\":204,"
                + "\"upstream\":{\"cluster\":\"locations\",\"host\":\"10.0.2.1:80\"},\"version\":2}\n", line);
        assertTrue(JSON.readTree(line).get("upstream").isObject());
    }

    @Test
    void everyLineIsOneValidJsonObject() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String op : List.of("START_TIME", "DURATION", "PROTOCOL", "RESPONSE_CODE", "RESPONSE_FLAGS",
                "BYTES_RECEIVED", "BYTES_SENT", "UPSTREAM_HOST", "UPSTREAM_CLUSTER", "ROUTE_NAME",
                "DOWNSTREAM_REMOTE_ADDRESS", "DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT", "REQUESTED_SERVER_NAME",
                "DOWNSTREAM_PEER_URI_SAN", "TRACE_ID", "UPSTREAM_TRANSPORT_FAILURE_REASON")) {
            fields.put(op.toLowerCase(), Template.parse("%" + op + "%"));
        }
        for (AccessLogEntry e : List.of(Entries.full(), Entries.empty())) {
            String line = json(fields, false, e);
            assertEquals(line.length() - 1, line.indexOf('\n'), "one line");
            assertEquals(fields.size(), JSON.readTree(line).size());
        }
    }

    @Test
    void otherValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> JsonFormat.of(Map.of("k", "not a template"), false));
    }

    @Test
    void formatsAreEqualByTheirFields() throws Exception {
        assertEquals(JsonFormat.of(fields("a", "%DURATION%", "b", "x"), false),
                JsonFormat.of(fields("b", "x", "a", "%DURATION%"), false));
        assertEquals("json {\"a\":\"%DURATION%\"}", JsonFormat.of(fields("a", "%DURATION%"), false).toString());
    }
}
