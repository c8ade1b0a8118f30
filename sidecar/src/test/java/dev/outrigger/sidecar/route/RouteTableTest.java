package dev.outrigger.sidecar.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.re2j.Pattern;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static Route route(String name, PathMatcher path) {
        return new Route(name, RouteMatch.path(path), ForwardAction.toCluster(name));
    }

    private final Route exactHealth = route("health", new PathMatcher.Exact("/health", true));
    private final Route regexItems = route("items", new PathMatcher.Regex(Pattern.compile("/items/[0-9]+")));
    private final Route apiV2 = new Route("api-v2",
            new RouteMatch(new PathMatcher.Prefix("/api", true),
                    List.of(new HeaderMatcher("x-version", new HeaderMatcher.Value(new StringMatcher.Exact("2", false)),
                            false, false)),
                    List.of()),
            ForwardAction.toCluster("api-v2"));
    private final Route api = route("api", new PathMatcher.SeparatedPrefix("/api", true));
    private final Route catchAll = route("catch-all", new PathMatcher.Prefix("/", true));
    private final Route shadowed = route("never", new PathMatcher.Prefix("/api", true));

    private final VirtualHost shop = new VirtualHost("shop", List.of("shop.example.com"),
            List.of(exactHealth, regexItems, apiV2, api, catchAll, shadowed));
    private final VirtualHost other = new VirtualHost("other", List.of("other.example.com"),
            List.of(route("only-admin", new PathMatcher.Prefix("/admin", true))));
    private final RouteTable table = new RouteTable("main", List.of(shop, other), HeaderRules.NONE, false);

    private String selected(TestRequest request) {
        RouteSelection s = table.select(request);
        return s == null ? null : s.route().name();
    }

    @Test
    void firstMatchingRouteWins() {
        assertEquals("health", selected(TestRequest.get("shop.example.com", "/health")));
        assertEquals("catch-all", selected(TestRequest.get("shop.example.com", "/health/x")));
        assertEquals("items", selected(TestRequest.get("shop.example.com", "/items/42")));
        assertEquals("api-v2", selected(TestRequest.get("shop.example.com", "/api/x").header("x-version", "2")));
        assertEquals("api", selected(TestRequest.get("shop.example.com", "/api/x").header("x-version", "1")));
        assertEquals("catch-all", selected(TestRequest.get("shop.example.com", "/apix")));
    }

    @Test
    void pathMatchersIgnoreTheQueryString() {
        assertEquals("health", selected(TestRequest.get("shop.example.com", "/health?verbose=1")));
        assertEquals("items", selected(TestRequest.get("shop.example.com", "/items/7?x=/y")));
        assertEquals("api", selected(TestRequest.get("shop.example.com", "/api?x")));
    }

    @Test
    void selectionCarriesVirtualHostAndTableRules() {
        RouteSelection s = table.select(TestRequest.get("SHOP.example.com:443", "/health"));
        assertSame(shop, s.virtualHost());
        assertSame(exactHealth, s.route());
        assertSame(HeaderRules.NONE, s.routeTableHeaderRules());
    }

    @Test
    void noMatchingVirtualHostOrRouteGivesNull() {
        assertNull(table.select(TestRequest.get("unknown.example.com", "/")));
        assertNull(table.select(TestRequest.get("other.example.com", "/")));
        assertNull(table.select(TestRequest.get(null, "/")));
        assertNull(new RouteTable("empty").select(TestRequest.get("a", "/")));
    }

    @Test
    void pathOfStripsQueryAndFragment() {
        assertEquals("/a", RouteTable.pathOf("/a?b#c"));
        assertEquals("/a", RouteTable.pathOf("/a#c"));
        assertEquals("/a", RouteTable.pathOf("/a"));
        assertEquals("", RouteTable.pathOf(null));
    }
}
