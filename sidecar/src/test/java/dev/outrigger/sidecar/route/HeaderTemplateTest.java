package dev.outrigger.sidecar.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderTemplateTest {

    private static final HeaderContext V4 = new HeaderContext("10.0.0.5:41000", "10.0.0.9:15001", "HTTP/1.1",
            "10.1.1.1:8080");
    private static final HeaderContext V6 = new HeaderContext("[2001:db8::5]:41000", "[::1]:15001", "HTTP/2", null);

    private static String render(String template, HeaderContext ctx) {
        return HeaderTemplate.parse(template).render(ctx);
    }

    @Test
    void everySupportedVariable() {
        assertEquals("10.0.0.5:41000", render("%DOWNSTREAM_REMOTE_ADDRESS%", V4));
        assertEquals("10.0.0.5", render("%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%", V4));
        assertEquals("10.0.0.9:15001", render("%DOWNSTREAM_LOCAL_ADDRESS%", V4));
        assertEquals("10.0.0.9", render("%DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%", V4));
        assertEquals("HTTP/1.1", render("%PROTOCOL%", V4));
        assertEquals("10.1.1.1:8080", render("%UPSTREAM_REMOTE_ADDRESS%", V4));
        assertEquals(HeaderTemplate.localHostName(), render("%HOSTNAME%", V4));
    }

    @Test
    void ipv6AddressesLoseTheirBracketsWithThePort() {
        assertEquals("[2001:db8::5]:41000", render("%DOWNSTREAM_REMOTE_ADDRESS%", V6));
        assertEquals("2001:db8::5", render("%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%", V6));
        assertEquals("::1", render("%DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%", V6));
    }

    @Test
    void unknownValuesRenderEmpty() {
        assertEquals("", render("%UPSTREAM_REMOTE_ADDRESS%", V6));
        assertEquals("up=", render("up=%UPSTREAM_REMOTE_ADDRESS%", V6));
    }

    @Test
    void literalsAndPercent() {
        assertEquals("plain", render("plain", V4));
        assertEquals("100%", render("100%%", V4));
        assertEquals("for=10.0.0.5;proto=HTTP/1.1;%",
                render("for=%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%;proto=%PROTOCOL%;%%", V4));
        assertEquals("", render("", V4));
    }

    @Test
    void parsedOnceIntoParts() {
        HeaderTemplate t = HeaderTemplate.parse("a%PROTOCOL%b%%c%HOSTNAME%");
        assertEquals(List.of(new HeaderTemplate.Literal("a"),
                new HeaderTemplate.Substitution(HeaderTemplate.Variable.PROTOCOL),
                new HeaderTemplate.Literal("b%c" + HeaderTemplate.localHostName())), t.parts());
        assertEquals(List.of(new HeaderTemplate.Literal("50%")), HeaderTemplate.literal("50%").parts());
    }

    @Test
    void unsupportedOrMalformedVariablesAreErrors() {
        String supported = " (supported: %DOWNSTREAM_REMOTE_ADDRESS%, %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%, "
                + "%DOWNSTREAM_LOCAL_ADDRESS%, %DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%, %PROTOCOL%, "
                + "%UPSTREAM_REMOTE_ADDRESS%, %HOSTNAME%, and %% for a literal %)";
        assertEquals("unsupported variable %START_TIME%" + supported, error("t=%START_TIME%"));
        assertEquals("unsupported variable %REQ(x-id)%" + supported, error("%REQ(x-id)%"));
        assertEquals("unsupported variable %REQ(x-id):10%" + supported, error("%REQ(x-id):10%"));
        assertEquals("'%' at offset 2 does not start a variable (write %% for a literal %)", error("50%"));
        assertEquals("'%' at offset 0 does not start a variable (write %% for a literal %)", error("%protocol%"));
        assertEquals("variable %PROTOCOL at offset 0 is not closed by '%' (write %% for a literal %)", error("%PROTOCOL"));
    }

    private static String error(String template) {
        return assertThrows(IllegalArgumentException.class, () -> HeaderTemplate.parse(template)).getMessage();
    }
}
