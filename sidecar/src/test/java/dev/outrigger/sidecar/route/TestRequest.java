package dev.outrigger.sidecar.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A request for routing tests: method, authority, target and headers, built fluently. */
public final class TestRequest implements RequestView {

    private final String method;
    private final String authority;
    private final String pathAndQuery;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    private TestRequest(String method, String authority, String pathAndQuery) {
        this.method = method;
        this.authority = authority;
        this.pathAndQuery = pathAndQuery;
    }

    /** A GET. */
    public static TestRequest get(String authority, String pathAndQuery) {
        return new TestRequest("GET", authority, pathAndQuery);
    }

    /** A request with any method. */
    public static TestRequest of(String method, String authority, String pathAndQuery) {
        return new TestRequest(method, authority, pathAndQuery);
    }

    /** Adds a header value. */
    public TestRequest header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
        return this;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String authority() {
        return authority;
    }

    @Override
    public String pathAndQuery() {
        return pathAndQuery;
    }

    @Override
    public List<String> headerValues(String lowerCaseName) {
        return headers.getOrDefault(lowerCaseName, List.of());
    }
}
