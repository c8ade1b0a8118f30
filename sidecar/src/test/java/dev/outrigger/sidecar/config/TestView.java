package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.route.RequestView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A request for checking translated route tables end to end. */
final class TestView implements RequestView {

    private final String method;
    private final String authority;
    private final String pathAndQuery;
    private final Map<String, List<String>> headers = new HashMap<>();

    TestView(String method, String authority, String pathAndQuery) {
        this.method = method;
        this.authority = authority;
        this.pathAndQuery = pathAndQuery;
    }

    TestView with(String lowerCaseName, String value) {
        headers.computeIfAbsent(lowerCaseName, k -> new ArrayList<>()).add(value);
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
