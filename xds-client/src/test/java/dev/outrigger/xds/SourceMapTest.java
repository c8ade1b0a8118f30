package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SourceMapTest {

    private final SourceMap map = SourceMap.of(Map.of(
            "", 1,
            "static_resources", 2,
            "static_resources.clusters[0]", 4,
            "static_resources.clusters[0].name", 4,
            "static_resources.clusters[0].typed_extension_protocol_options.envoy.extensions.upstreams.http.v3.HttpProtocolOptions", 9));

    @Test
    void exactPathWins() {
        assertEquals(OptionalInt.of(4), map.line("static_resources.clusters[0].name"));
    }

    @Test
    void missingChildResolvesToTheLongestRecordedPrefix() {
        assertEquals(OptionalInt.of(4), map.line("static_resources.clusters[0].load_assignment.endpoints[0]"));
        assertEquals(OptionalInt.of(2), map.line("static_resources.listeners[3].name"));
        assertEquals(OptionalInt.of(1), map.line("admin.address"));
    }

    @Test
    void prefixStopsAtSegmentBoundaries() {
        // "static_resources.clusters[0].name_suffix" must not match the entry for ".name".
        assertEquals(OptionalInt.of(4), map.line("static_resources.clusters[0].name_suffix"));
        assertEquals(OptionalInt.of(2), map.line("static_resources.clusters[01]"));
    }

    @Test
    void bracketedMapKeysLookUpTheDottedForm() {
        FieldPath path = FieldPath.ROOT.field("static_resources").field("clusters").index(0)
                .field("typed_extension_protocol_options")
                .key("envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
                .field("common_http_protocol_options");
        assertEquals(OptionalInt.of(9), map.line(path));
    }

    @Test
    void emptyMapKnowsNothing() {
        assertTrue(SourceMap.empty().line("a.b").isEmpty());
        assertTrue(SourceMap.of(Map.of("a", 3)).line("b").isEmpty());
    }

    @Test
    void snakeCaseOfLowerCamelKeysOnly() {
        assertEquals("port_value", SourceMap.snakeCase("portValue"));
        assertEquals("http2_protocol_options", SourceMap.snakeCase("http2ProtocolOptions"));
        assertEquals("port_value", SourceMap.snakeCase("port_value"));
        assertEquals("name", SourceMap.snakeCase("name"));
        // Map keys such as type names and header names are not field names: leave them alone.
        assertEquals("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                SourceMap.snakeCase("envoy.extensions.upstreams.http.v3.HttpProtocolOptions"));
        assertEquals("X-Request-Id", SourceMap.snakeCase("X-Request-Id"));
    }

    @Test
    void loadedFileRecordsEveryValue() throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.parse(Path.of("m.yaml"), """
                node:
                  id: a

                  metadata:
                    team: payments
                    tags: [x, y]
                """);
        SourceMap lines = loaded.sourceMap();
        assertEquals(OptionalInt.of(1), lines.line("node"));
        assertEquals(OptionalInt.of(2), lines.line("node.id"));
        assertEquals(OptionalInt.of(5), lines.line("node.metadata.team"));
        assertEquals(OptionalInt.of(6), lines.line("node.metadata.tags[1]"));
        assertEquals(OptionalInt.of(1), lines.line("node.cluster"));
    }
}
