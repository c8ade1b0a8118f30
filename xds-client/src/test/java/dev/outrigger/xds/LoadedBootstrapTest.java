package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LoadedBootstrapTest {

    private static final Path FILE = Path.of("b.yaml");

    @Test
    void translatorErrorGetsTheLineOfItsField() throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.parse(FILE, """
                static_resources:
                  clusters:
                  - name: demo
                    type: STRICT_DNS
                """);
        FieldPath path = FieldPath.ROOT.field("static_resources").field("clusters").index(0).field("type");

        ConfigFileException e = loaded.errorAt(path.invalid("STRICT_DNS is not supported yet"));

        assertEquals("b.yaml:4: static_resources.clusters[0].type: STRICT_DNS is not supported yet", e.getMessage());
        assertEquals(4, e.line());
        assertEquals("static_resources.clusters[0].type", e.path());
        assertEquals("STRICT_DNS is not supported yet", e.reason());
    }

    @Test
    void missingFieldPointsAtItsParent() throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.parse(FILE, "node:\n  id: a\nstatic_resources:\n  clusters:\n  - name: x\n");
        FieldPath path = FieldPath.ROOT.field("static_resources").field("clusters").index(0).field("load_assignment");

        assertEquals("b.yaml:5: static_resources.clusters[0].load_assignment: required",
                loaded.errorAt(path.invalid("required")).getMessage());
    }

    @Test
    void camelCaseFileAndSnakeCaseErrorPath() throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.parse(FILE, "staticResources:\n  clusters:\n  - name: x\n    connectTimeout: 0s\n");
        FieldPath path = FieldPath.ROOT.field("static_resources").field("clusters").index(0).field("connect_timeout");

        assertEquals(4, loaded.errorAt(path.invalid("must be positive")).line());
    }

    @Test
    void rootErrorHasNoPath() throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.parse(FILE, "\n\nnode: {id: a}\n");
        assertEquals("b.yaml:3: no listeners", loaded.errorAt(FieldPath.ROOT.invalid("no listeners")).getMessage());
    }

    @Test
    void messageFormats() {
        Path f = Path.of("x.yaml");
        assertEquals("x.yaml: gone", ConfigFileException.ofFile(f, "gone").getMessage());
        assertEquals("x.yaml:3: a.b: bad", new ConfigFileException(f, 3, 0, "a.b", "bad").getMessage());
        assertEquals("x.yaml:3:7: bad", new ConfigFileException(f, 3, 7, "", "bad").getMessage());
        assertEquals("x.yaml: a: bad", new ConfigFileException(f, 0, 7, "a", "bad").getMessage());
        assertEquals("x.yaml:1: first; second", new ConfigFileException(f, 1, 0, "", "first\n   second\n").getMessage());
    }
}
