package dev.outrigger.sidecar.ratelimit;

import dev.outrigger.sidecar.route.MutableHeaders;
import java.util.LinkedHashMap;
import java.util.Map;

/** Single-valued headers for header tests. */
final class MapHeaders implements MutableHeaders {

    private final Map<String, String> values = new LinkedHashMap<>();

    @Override
    public String get(String name) {
        return values.get(name);
    }

    @Override
    public boolean contains(String name) {
        return values.containsKey(name);
    }

    @Override
    public void add(String name, String value) {
        values.merge(name, value, (a, b) -> a + "," + b);
    }

    @Override
    public void set(String name, String value) {
        values.put(name, value);
    }

    @Override
    public void remove(String name) {
        values.remove(name);
    }

    boolean isEmpty() {
        return values.isEmpty();
    }
}
