package dev.outrigger.sidecar.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.re2j.Pattern;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ActionTest {

    /** Returns the given values from nextLong(bound), checking the bound the action asks for. */
    private static RandomGenerator fixed(long expectedBound, long value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new AssertionError("use nextLong(bound)");
            }

            @Override
            public long nextLong(long bound) {
                assertEquals(expectedBound, bound);
                return value;
            }
        };
    }

    private static ForwardAction forward(PathRewrite rewrite, ClusterWeight... clusters) {
        return new ForwardAction(List.of(clusters), rewrite, null, ForwardAction.DEFAULT_TIMEOUT, 503);
    }

    @Test
    void singleClusterNeedsNoRandomness() {
        assertEquals("a", ForwardAction.toCluster("a").pickCluster(fixed(0, 0)));
    }

    @Test
    void weightedClustersOwnConsecutiveRanges() {
        ForwardAction f = forward(PathRewrite.NONE,
                new ClusterWeight("a", 10), new ClusterWeight("zero", 0), new ClusterWeight("b", 30),
                new ClusterWeight("c", 60));
        assertEquals(100, f.totalWeight());
        assertEquals("a", f.pickCluster(fixed(100, 0)));
        assertEquals("a", f.pickCluster(fixed(100, 9)));
        assertEquals("b", f.pickCluster(fixed(100, 10)));
        assertEquals("b", f.pickCluster(fixed(100, 39)));
        assertEquals("c", f.pickCluster(fixed(100, 40)));
        assertEquals("c", f.pickCluster(fixed(100, 99)));
    }

    @Test
    void weightedDistributionOverEveryRandomValue() {
        ForwardAction f = forward(PathRewrite.NONE, new ClusterWeight("a", 1), new ClusterWeight("b", 3),
                new ClusterWeight("off", 0));
        Map<String, Integer> counts = new HashMap<>();
        for (long v = 0; v < f.totalWeight(); v++) {
            counts.merge(f.pickCluster(fixed(4, v)), 1, Integer::sum);
        }
        assertEquals(Map.of("a", 1, "b", 3), counts);
    }

    @Test
    void weightsMustSumAboveZero() {
        assertThrows(IllegalArgumentException.class, () -> forward(PathRewrite.NONE, new ClusterWeight("a", 0)));
        assertThrows(IllegalArgumentException.class, () -> forward(PathRewrite.NONE,
                new ClusterWeight("a", ClusterWeight.MAX_WEIGHT), new ClusterWeight("b", 1)));
    }

    @Test
    void forwardDefaults() {
        ForwardAction f = ForwardAction.toCluster("a");
        assertEquals(Duration.ofSeconds(15), f.timeout());
        assertEquals(503, f.clusterNotFoundStatus());
        assertEquals(null, f.hostRewrite());
        assertEquals("/x?y=1", f.rewritePath("/x?y=1"));
    }

    @Test
    void prefixRewriteReplacesOnlyTheMatchedPrefix() {
        // prefix "/api/" -> "/": the usual way to strip a prefix
        PathRewrite slash = new PathRewrite.ReplacePrefix("/api/".length(), "/");
        assertEquals("/users?id=1", forward(slash, new ClusterWeight("a", 1)).rewritePath("/api/users?id=1"));
        // prefix "/api" -> "/": Envoy leaves the following '/' in place
        PathRewrite noSlash = new PathRewrite.ReplacePrefix("/api".length(), "/");
        assertEquals("//users", noSlash.apply("/api/users"));
        assertEquals("/", noSlash.apply("/api"));
        assertEquals("/?q", noSlash.apply("/api?q"));
        // prefix "/api" -> "/v2"
        assertEquals("/v2/users?a=b", new PathRewrite.ReplacePrefix(4, "/v2").apply("/api/users?a=b"));
        // case-insensitive match: the request's own spelling of the prefix is what is replaced
        assertEquals("/v2/x", new PathRewrite.ReplacePrefix(4, "/v2").apply("/API/x"));
        // exact path match: the whole path is replaced, the query kept
        assertEquals("/new?x=1", new PathRewrite.ReplacePrefix("/old".length(), "/new").apply("/old?x=1"));
    }

    @Test
    void regexRewriteReplacesEveryMatchInThePathAndKeepsTheQuery() {
        PathRewrite r = new PathRewrite.RegexReplace(Pattern.compile("^/service/([^/]+)(/.*)$"), "\\2/instance/\\1");
        assertEquals("/v1/api/instance/foo?a=/service/x", r.apply("/service/foo/v1/api?a=/service/x"));
        PathRewrite all = new PathRewrite.RegexReplace(Pattern.compile("one"), "two");
        assertEquals("/xxx/two/two?one", all.apply("/xxx/one/one?one"));
        assertEquals("/none", new PathRewrite.RegexReplace(Pattern.compile("zzz"), "y").apply("/none"));
        PathRewrite whole = new PathRewrite.RegexReplace(Pattern.compile(".*"), "/fixed\\0\\\\");
        assertEquals("/fixed/a\\?q", whole.apply("/a?q"), "one replacement: no second, empty match at the end");
    }

    @Test
    void regexRewriteFollowsRe2ForEmptyMatches() {
        // RE2 (unlike java.util.regex) skips the empty match right after "aaa": -b-c-, not -b--c-
        assertEquals("-b-c-", new PathRewrite.RegexReplace(Pattern.compile("a*"), "-").apply("baaac"));
        assertEquals("-a-b-", new PathRewrite.RegexReplace(Pattern.compile(""), "-").apply("ab"));
    }

    @Test
    void regexSubstitutionIsChecked() {
        Pattern oneGroup = Pattern.compile("(a)");
        assertEquals("substitution refers to group \\2 but the pattern has 1 capture group(s)",
                assertThrows(IllegalArgumentException.class,
                        () -> new PathRewrite.RegexReplace(oneGroup, "\\2")).getMessage());
        assertEquals("invalid escape \\n in substitution (only \\0..\\9 and \\\\ are allowed)",
                assertThrows(IllegalArgumentException.class,
                        () -> new PathRewrite.RegexReplace(oneGroup, "\\n")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PathRewrite.RegexReplace(oneGroup, "x\\"));
        assertEquals("$1", new PathRewrite.RegexReplace(oneGroup, "$1").apply("a"), "'$' is literal in RE2 rewrites");
    }

    private static RedirectAction redirect(String scheme, String host, int port, String pathRedirect,
            PathRewrite rewrite, boolean stripQuery) {
        return new RedirectAction(scheme, host, port, pathRedirect, rewrite, stripQuery, 301);
    }

    private static final TestRequest PLAIN = TestRequest.get("shop.example.com", "/cart/items?id=7");

    @Test
    void redirectKeepsWhatIsNotConfigured() {
        RedirectAction r = redirect(null, null, 0, null, PathRewrite.NONE, false);
        assertEquals("http://shop.example.com/cart/items?id=7", r.location(PLAIN, "http"));
        assertEquals("https://shop.example.com:8443/x", r.location(TestRequest.get("shop.example.com:8443", "/x"), "https"));
        assertEquals(301, r.status());
    }

    @Test
    void redirectScheme() {
        RedirectAction https = redirect("https", null, 0, null, PathRewrite.NONE, false);
        assertEquals("https://shop.example.com/cart/items?id=7", https.location(PLAIN, "http"));
        // the old scheme's default port is dropped; any other port is kept
        assertEquals("https://shop.example.com/x", https.location(TestRequest.get("shop.example.com:80", "/x"), "http"));
        assertEquals("https://shop.example.com:8080/x",
                https.location(TestRequest.get("shop.example.com:8080", "/x"), "http"));
        RedirectAction http = redirect("http", null, 0, null, PathRewrite.NONE, false);
        assertEquals("http://[::1]/x", http.location(TestRequest.get("[::1]:443", "/x"), "https"));
        // same scheme: the port is not touched
        assertEquals("https://a:443/x", https.location(TestRequest.get("a:443", "/x"), "https"));
    }

    @Test
    void redirectHostAndPort() {
        assertEquals("http://other.example.com/cart/items?id=7",
                redirect(null, "other.example.com", 0, null, PathRewrite.NONE, false)
                        .location(TestRequest.get("shop.example.com:8080", "/cart/items?id=7"), "http"));
        assertEquals("http://shop.example.com:9000/x",
                redirect(null, null, 9000, null, PathRewrite.NONE, false)
                        .location(TestRequest.get("shop.example.com:8080", "/x"), "http"));
        assertEquals("http://other:9000/x",
                redirect(null, "other", 9000, null, PathRewrite.NONE, false).location(TestRequest.get("a", "/x"), "http"));
        // a port that is the default of the final scheme is left out
        assertEquals("https://shop.example.com/x",
                redirect("https", null, 443, null, PathRewrite.NONE, false)
                        .location(TestRequest.get("shop.example.com:8080", "/x"), "http"));
    }

    @Test
    void redirectPath() {
        RedirectAction keepQuery = redirect(null, null, 0, "/new", PathRewrite.NONE, false);
        assertEquals("http://shop.example.com/new?id=7", keepQuery.location(PLAIN, "http"));
        RedirectAction strip = redirect(null, null, 0, "/new", PathRewrite.NONE, true);
        assertEquals("http://shop.example.com/new", strip.location(PLAIN, "http"));
        // a query in path_redirect replaces the request's, and strip_query does not remove it
        RedirectAction ownQuery = redirect(null, null, 0, "/new?from=old", PathRewrite.NONE, true);
        assertEquals("http://shop.example.com/new?from=old", ownQuery.location(PLAIN, "http"));
        RedirectAction relative = redirect(null, null, 0, "new", PathRewrite.NONE, false);
        assertEquals("http://a/new", relative.location(TestRequest.get("a", "/x"), "http"));
    }

    @Test
    void redirectPrefixAndRegexRewrite() {
        PathRewrite cartToBasket = new PathRewrite.ReplacePrefix("/cart".length(), "/basket");
        RedirectAction prefix = redirect(null, null, 0, null, cartToBasket, false);
        assertEquals("http://shop.example.com/basket/items?id=7", prefix.location(PLAIN, "http"));
        RedirectAction prefixStrip = redirect(null, null, 0, null, new PathRewrite.ReplacePrefix(5, "/basket"), true);
        assertEquals("http://shop.example.com/basket/items", prefixStrip.location(PLAIN, "http"));
        RedirectAction regex = redirect(null, null, 0, null,
                new PathRewrite.RegexReplace(Pattern.compile("/items"), "/things"), false);
        assertEquals("http://shop.example.com/cart/things?id=7", regex.location(PLAIN, "http"));
        RedirectAction toEmpty = redirect(null, null, 0, null, new PathRewrite.ReplacePrefix(5, ""), true);
        assertEquals("http://shop.example.com/items", toEmpty.location(PLAIN, "http"));
    }

    @Test
    void redirectStripQueryAlone() {
        assertEquals("http://shop.example.com/cart/items",
                redirect(null, null, 0, null, PathRewrite.NONE, true).location(PLAIN, "http"));
    }

    @Test
    void redirectStatusAndInvariants() {
        for (int status : new int[] {301, 302, 303, 307, 308}) {
            assertEquals(status, new RedirectAction(null, null, 0, null, PathRewrite.NONE, false, status).status());
        }
        assertThrows(IllegalArgumentException.class,
                () -> new RedirectAction(null, null, 0, null, PathRewrite.NONE, false, 300));
        assertThrows(IllegalArgumentException.class,
                () -> new RedirectAction(null, null, 0, "/a", new PathRewrite.ReplacePrefix(1, "/"), false, 301));
    }

    @Test
    void directResponse() {
        DirectResponseAction d = new DirectResponseAction(404, "no such page");
        assertEquals(404, d.status());
        assertEquals("no such page", d.body());
        assertEquals(null, new DirectResponseAction(204, null).body());
        assertThrows(IllegalArgumentException.class, () -> new DirectResponseAction(199, null));
        assertThrows(IllegalArgumentException.class, () -> new DirectResponseAction(600, null));
    }
}
