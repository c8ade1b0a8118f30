package dev.outrigger.sidecar.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatcherTest {

    @Test
    void prefixPath() {
        PathMatcher m = new PathMatcher.Prefix("/api", true);
        assertTrue(m.matches("/api"));
        assertTrue(m.matches("/api/v1"));
        assertTrue(m.matches("/apix"));
        assertFalse(m.matches("/ap"));
        assertFalse(m.matches("/API/v1"));
        assertTrue(new PathMatcher.Prefix("/api", false).matches("/API/v1"));
        assertTrue(new PathMatcher.Prefix("", true).matches("/anything"));
    }

    @Test
    void exactPath() {
        PathMatcher m = new PathMatcher.Exact("/health", true);
        assertTrue(m.matches("/health"));
        assertFalse(m.matches("/health/"));
        assertFalse(m.matches("/Health"));
        assertTrue(new PathMatcher.Exact("/health", false).matches("/HEALTH"));
    }

    @Test
    void separatedPrefixPath() {
        PathMatcher m = new PathMatcher.SeparatedPrefix("/api", true);
        assertTrue(m.matches("/api"));
        assertTrue(m.matches("/api/"));
        assertTrue(m.matches("/api/v1"));
        assertFalse(m.matches("/apix"));
        assertFalse(m.matches("/ap"));
        assertTrue(new PathMatcher.SeparatedPrefix("/api", false).matches("/API/x"));
    }

    @Test
    void regexPathIsAFullMatch() {
        PathMatcher m = new PathMatcher.Regex(Pattern.compile("/v[0-9]+/items"));
        assertTrue(m.matches("/v12/items"));
        assertFalse(m.matches("/v12/items/3"), "a partial match is not a match");
        assertFalse(m.matches("/x/v12/items"));
        assertEquals(-1, m.rewritablePrefixLength());
    }

    @Test
    void stringMatchers() {
        assertTrue(new StringMatcher.Exact("abc", false).matches("abc"));
        assertFalse(new StringMatcher.Exact("abc", false).matches("ABC"));
        assertTrue(new StringMatcher.Exact("abc", true).matches("ABC"));
        assertTrue(new StringMatcher.Prefix("ab", false).matches("abc"));
        assertFalse(new StringMatcher.Prefix("ab", false).matches("Abc"));
        assertTrue(new StringMatcher.Prefix("ab", true).matches("Abc"));
        assertFalse(new StringMatcher.Prefix("abcd", false).matches("abc"));
        assertTrue(new StringMatcher.Suffix("bc", false).matches("abc"));
        assertTrue(new StringMatcher.Suffix("BC", true).matches("abc"));
        assertFalse(new StringMatcher.Suffix("abcd", false).matches("bcd"));
        assertTrue(new StringMatcher.Contains("b", false).matches("abc"));
        assertFalse(new StringMatcher.Contains("B", false).matches("abc"));
        assertTrue(new StringMatcher.Contains("B", true).matches("abc"));
        assertFalse(new StringMatcher.Contains("x", true).matches("abc"));
        assertTrue(new StringMatcher.Regex(Pattern.compile("a.c")).matches("abc"));
        assertFalse(new StringMatcher.Regex(Pattern.compile("b")).matches("abc"), "full match, not search");
    }

    private static HeaderMatcher header(String name, HeaderMatcher.Criterion c, boolean invert, boolean missingAsEmpty) {
        return new HeaderMatcher(name, c, invert, missingAsEmpty);
    }

    private static final HeaderMatcher.Criterion EXACT_V1 = new HeaderMatcher.Value(new StringMatcher.Exact("v1", false));

    @Test
    void headerValueMatch() {
        HeaderMatcher m = header("x-version", EXACT_V1, false, false);
        assertTrue(m.matches(TestRequest.get("a", "/").header("X-Version", "v1")));
        assertFalse(m.matches(TestRequest.get("a", "/").header("x-version", "v2")));
        assertFalse(m.matches(TestRequest.get("a", "/")));
    }

    @Test
    void headerInvertMatch() {
        HeaderMatcher m = header("x-version", EXACT_V1, true, false);
        assertFalse(m.matches(TestRequest.get("a", "/").header("x-version", "v1")));
        assertTrue(m.matches(TestRequest.get("a", "/").header("x-version", "v2")));
        // as in Envoy, inverting does not make an absent header match a value criterion
        assertFalse(m.matches(TestRequest.get("a", "/")));
    }

    @Test
    void headerTreatMissingAsEmpty() {
        HeaderMatcher empty = header("x-v", new HeaderMatcher.Value(new StringMatcher.Exact("", false)), false, true);
        assertTrue(empty.matches(TestRequest.get("a", "/")));
        HeaderMatcher invertedRange = header("x-n", new HeaderMatcher.Range(0, 10), true, true);
        assertTrue(invertedRange.matches(TestRequest.get("a", "/")), "\"\" is no integer, so the inverted range matches");
        HeaderMatcher invertedRangeStrict = header("x-n", new HeaderMatcher.Range(0, 10), true, false);
        assertFalse(invertedRangeStrict.matches(TestRequest.get("a", "/")));
    }

    @Test
    void headerPresentMatch() {
        HeaderMatcher present = header("x-debug", new HeaderMatcher.Present(true), false, false);
        HeaderMatcher absent = header("x-debug", new HeaderMatcher.Present(false), false, false);
        HeaderMatcher notPresent = header("x-debug", new HeaderMatcher.Present(true), true, false);
        HeaderMatcher notAbsent = header("x-debug", new HeaderMatcher.Present(false), true, false);
        TestRequest with = TestRequest.get("a", "/").header("x-debug", "");
        TestRequest without = TestRequest.get("a", "/");
        assertTrue(present.matches(with));
        assertFalse(present.matches(without));
        assertFalse(absent.matches(with));
        assertTrue(absent.matches(without));
        assertFalse(notPresent.matches(with));
        assertTrue(notPresent.matches(without));
        assertTrue(notAbsent.matches(with));
        assertFalse(notAbsent.matches(without));
    }

    @Test
    void headerRangeMatch() {
        HeaderMatcher m = header("x-n", new HeaderMatcher.Range(-10, 10), false, false);
        assertTrue(m.matches(TestRequest.get("a", "/").header("x-n", "-10")));
        assertTrue(m.matches(TestRequest.get("a", "/").header("x-n", "9")));
        assertTrue(m.matches(TestRequest.get("a", "/").header("x-n", "+9")));
        assertFalse(m.matches(TestRequest.get("a", "/").header("x-n", "10")), "end is exclusive");
        assertFalse(m.matches(TestRequest.get("a", "/").header("x-n", "1.5")));
        assertFalse(m.matches(TestRequest.get("a", "/").header("x-n", "")));
        assertFalse(m.matches(TestRequest.get("a", "/").header("x-n", "99999999999999999999")));
        HeaderMatcher full = header("x-n", new HeaderMatcher.Range(Long.MIN_VALUE, Long.MAX_VALUE), false, false);
        assertTrue(full.matches(TestRequest.get("a", "/").header("x-n", "-9223372036854775808")));
        assertFalse(full.matches(TestRequest.get("a", "/").header("x-n", "9223372036854775808")));
        assertThrows(IllegalArgumentException.class, () -> new HeaderMatcher.Range(5, 5));
    }

    @Test
    void headerMultipleValuesAreJoinedWithComma() {
        HeaderMatcher m = header("x-tag", new HeaderMatcher.Value(new StringMatcher.Exact("a,b", false)), false, false);
        assertTrue(m.matches(TestRequest.get("h", "/").header("x-tag", "a").header("x-tag", "b")));
        assertFalse(m.matches(TestRequest.get("h", "/").header("x-tag", "a")));
    }

    @Test
    void headerPseudoHeadersReadTheRequestLine() {
        assertTrue(header(":method", new HeaderMatcher.Value(new StringMatcher.Exact("POST", false)), false, false)
                .matches(TestRequest.of("POST", "h", "/")));
        assertTrue(header(":authority", new HeaderMatcher.Value(new StringMatcher.Prefix("shop.", false)), false, false)
                .matches(TestRequest.get("shop.example.com", "/")));
        assertTrue(header("host", new HeaderMatcher.Value(new StringMatcher.Suffix(":8080", false)), false, false)
                .matches(TestRequest.get("shop:8080", "/")));
        assertTrue(header(":path", new HeaderMatcher.Value(new StringMatcher.Contains("?x=1", false)), false, false)
                .matches(TestRequest.get("h", "/a?x=1")));
    }

    @Test
    void queryParameterPresentAndValue() {
        QueryParameterMatcher present = new QueryParameterMatcher("debug", null);
        assertTrue(present.matches("/a?debug"));
        assertTrue(present.matches("/a?x=1&debug=0"));
        assertFalse(present.matches("/a?debugger=1"));
        assertFalse(present.matches("/a"));
        assertFalse(present.matches("/a?x=debug"));

        QueryParameterMatcher value = new QueryParameterMatcher("q", new StringMatcher.Exact("a b/c", false));
        assertTrue(value.matches("/s?q=a%20b%2Fc"), "values are percent-decoded");
        assertFalse(value.matches("/s?q=a+b%2Fc"), "'+' is not a space, as in Envoy");
        assertTrue(value.matches("/s?x=1&q=a%20b/c&q=other"), "the first value counts");
        assertFalse(value.matches("/s?q=other&q=a%20b/c"));

        QueryParameterMatcher encodedName = new QueryParameterMatcher("a b", new StringMatcher.Exact("1", false));
        assertTrue(encodedName.matches("/s?a%20b=1"));
        QueryParameterMatcher unicode = new QueryParameterMatcher("n", new StringMatcher.Exact("é%zz", false));
        assertTrue(unicode.matches("/s?n=%C3%A9%zz"), "malformed escapes stay literal");
        QueryParameterMatcher empty = new QueryParameterMatcher("e", new StringMatcher.Exact("", false));
        assertTrue(empty.matches("/s?e="));
        assertTrue(empty.matches("/s?e"));
    }

    @Test
    void routeMatchNeedsEveryCriterion() {
        RouteMatch m = new RouteMatch(new PathMatcher.Prefix("/api", true),
                List.of(header("x-v", EXACT_V1, false, false)),
                List.of(new QueryParameterMatcher("debug", null)));
        TestRequest all = TestRequest.get("h", "/api/x?debug=1").header("x-v", "v1");
        assertTrue(m.matches(all, "/api/x"));
        assertFalse(m.matches(TestRequest.get("h", "/api/x?debug=1"), "/api/x"));
        assertFalse(m.matches(TestRequest.get("h", "/api/x").header("x-v", "v1"), "/api/x"));
        assertFalse(m.matches(TestRequest.get("h", "/web?debug=1").header("x-v", "v1"), "/web"));
    }
}
