package dev.outrigger.sidecar.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderRulesTest {

    private static final HeaderContext CTX = new HeaderContext("10.0.0.5:41000", "10.0.0.9:15001", "HTTP/1.1",
            "10.1.1.1:8080");

    private static HeaderAddition add(String name, String value, AppendAction action) {
        return new HeaderAddition(name, HeaderTemplate.parse(value), action, false);
    }

    private static HeaderMutations adds(HeaderAddition... additions) {
        return new HeaderMutations(List.of(), List.of(additions));
    }

    @Test
    void appendIfExistsOrAdd() {
        TestHeaders h = TestHeaders.of("x-a", "1");
        adds(add("x-a", "2", AppendAction.APPEND_IF_EXISTS_OR_ADD), add("x-b", "3", AppendAction.APPEND_IF_EXISTS_OR_ADD))
                .apply(h, CTX);
        assertEquals("x-a=1, x-a=2, x-b=3", h.toString());
    }

    @Test
    void addIfAbsent() {
        TestHeaders h = TestHeaders.of("x-a", "1");
        adds(add("x-a", "2", AppendAction.ADD_IF_ABSENT), add("x-b", "3", AppendAction.ADD_IF_ABSENT)).apply(h, CTX);
        assertEquals("x-a=1, x-b=3", h.toString());
    }

    @Test
    void overwriteIfExistsOrAdd() {
        TestHeaders h = TestHeaders.of("x-a", "1", "x-a", "1b");
        adds(add("x-a", "2", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD),
                add("x-b", "3", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD)).apply(h, CTX);
        assertEquals("x-a=2, x-b=3", h.toString());
    }

    @Test
    void overwriteIfExists() {
        TestHeaders h = TestHeaders.of("x-a", "1");
        adds(add("x-a", "2", AppendAction.OVERWRITE_IF_EXISTS), add("x-b", "3", AppendAction.OVERWRITE_IF_EXISTS))
                .apply(h, CTX);
        assertEquals("x-a=2", h.toString());
    }

    @Test
    void entriesOfOneLevelAreDecidedBeforeAnyIsApplied() {
        // Envoy: ADD_IF_ABSENT sees the headers as the level found them, overwrites go before appends
        TestHeaders h = TestHeaders.of();
        adds(add("x-a", "first", AppendAction.ADD_IF_ABSENT), add("x-a", "second", AppendAction.ADD_IF_ABSENT),
                add("x-b", "appended", AppendAction.APPEND_IF_EXISTS_OR_ADD),
                add("x-b", "set", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD),
                add("x-c", "never", AppendAction.OVERWRITE_IF_EXISTS)).apply(h, CTX);
        assertEquals(List.of("first", "second"), h.getAll("x-a"));
        assertEquals(List.of("set", "appended"), h.getAll("x-b"));
        assertEquals(List.of(), h.getAll("x-c"));
    }

    @Test
    void removalsComeBeforeAdditions() {
        TestHeaders h = TestHeaders.of("x-a", "old", "x-gone", "1");
        new HeaderMutations(List.of("x-a", "x-gone"), List.of(add("x-a", "new", AppendAction.ADD_IF_ABSENT)))
                .apply(h, CTX);
        assertEquals("x-a=new", h.toString());
    }

    @Test
    void emptyValuesAreSkippedUnlessKept() {
        TestHeaders h = TestHeaders.of();
        HeaderContext noUpstream = new HeaderContext("1.2.3.4:5", "6.7.8.9:10", "HTTP/1.1", null);
        new HeaderMutations(List.of(), List.of(
                new HeaderAddition("x-skip", HeaderTemplate.parse("%UPSTREAM_REMOTE_ADDRESS%"),
                        AppendAction.APPEND_IF_EXISTS_OR_ADD, false),
                new HeaderAddition("x-keep", HeaderTemplate.parse(""), AppendAction.APPEND_IF_EXISTS_OR_ADD, true)))
                .apply(h, noUpstream);
        assertEquals("x-keep=", h.toString());
    }

    private static HeaderRules level(String value) {
        HeaderMutations m = adds(add("x-level", value, AppendAction.OVERWRITE_IF_EXISTS_OR_ADD),
                add("x-trail", value, AppendAction.APPEND_IF_EXISTS_OR_ADD));
        return new HeaderRules(m, m);
    }

    private static RouteSelection selection(boolean mostSpecificWins) {
        Route route = new Route("r", RouteMatch.path(new PathMatcher.Prefix("/", true)), ForwardAction.toCluster("c"),
                level("route"));
        VirtualHost vh = new VirtualHost("v", List.of("*"), List.of(route), level("vhost"));
        RouteTable table = new RouteTable("t", List.of(vh), level("table"), mostSpecificWins);
        return table.select(TestRequest.get("a", "/"));
    }

    @Test
    void outerLevelWinsByDefault() {
        TestHeaders request = TestHeaders.of();
        selection(false).applyRequestHeaders(request, CTX);
        assertEquals("table", request.get("x-level"));
        assertEquals(List.of("route", "vhost", "table"), request.getAll("x-trail"));
        TestHeaders response = TestHeaders.of();
        selection(false).applyResponseHeaders(response, CTX);
        assertEquals("table", response.get("x-level"));
        assertEquals(List.of("route", "vhost", "table"), response.getAll("x-trail"));
    }

    @Test
    void mostSpecificHeaderMutationsWinsReversesTheOrder() {
        TestHeaders request = TestHeaders.of();
        selection(true).applyRequestHeaders(request, CTX);
        assertEquals("route", request.get("x-level"));
        assertEquals(List.of("table", "vhost", "route"), request.getAll("x-trail"));
        TestHeaders response = TestHeaders.of();
        selection(true).applyResponseHeaders(response, CTX);
        assertEquals("route", response.get("x-level"));
    }

    @Test
    void levelsRemoveThenAddInTurn() {
        // the virtual host removes what the route added: removals are per level, not global
        Route route = new Route("r", RouteMatch.path(new PathMatcher.Prefix("/", true)), ForwardAction.toCluster("c"),
                new HeaderRules(adds(add("x-a", "route", AppendAction.APPEND_IF_EXISTS_OR_ADD)), HeaderMutations.NONE));
        VirtualHost vh = new VirtualHost("v", List.of("*"), List.of(route),
                new HeaderRules(new HeaderMutations(List.of("x-a"), List.of()), HeaderMutations.NONE));
        TestHeaders h = TestHeaders.of("x-a", "client");
        new RouteTable("t", List.of(vh), HeaderRules.NONE, false).select(TestRequest.get("a", "/"))
                .applyRequestHeaders(h, CTX);
        assertEquals("", h.toString());
    }

    @Test
    void requestAndResponseRulesAreSeparate() {
        Route route = new Route("r", RouteMatch.path(new PathMatcher.Prefix("/", true)), ForwardAction.toCluster("c"),
                new HeaderRules(adds(add("x-req", "1", AppendAction.APPEND_IF_EXISTS_OR_ADD)),
                        new HeaderMutations(List.of("server"), List.of())));
        RouteSelection s = new RouteTable("t", List.of(new VirtualHost("v", List.of("*"), List.of(route))),
                HeaderRules.NONE, false).select(TestRequest.get("a", "/"));
        TestHeaders request = TestHeaders.of();
        s.applyRequestHeaders(request, CTX);
        TestHeaders response = TestHeaders.of("server", "upstream");
        s.applyResponseHeaders(response, CTX);
        assertEquals("x-req=1", request.toString());
        assertEquals("", response.toString());
    }

    @Test
    void headerNamesThatRoutingOwnsAreRefused() {
        assertEquals("pseudo-header :path cannot be modified by header rules", HeaderNames.notModifiableReason(":path"));
        assertEquals("host cannot be modified by header rules (use host_rewrite_literal)",
                HeaderNames.notModifiableReason("host"));
        assertEquals("\"x y\" is not a valid header name", HeaderNames.notModifiableReason("x y"));
        assertThrows(IllegalArgumentException.class, () -> add("host", "x", AppendAction.ADD_IF_ABSENT));
        assertThrows(IllegalArgumentException.class, () -> add("X-Upper", "x", AppendAction.ADD_IF_ABSENT));
        assertThrows(IllegalArgumentException.class, () -> new HeaderMutations(List.of(":authority"), List.of()));
    }
}
