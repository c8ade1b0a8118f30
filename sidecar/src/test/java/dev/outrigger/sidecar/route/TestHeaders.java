package dev.outrigger.sidecar.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Ordered, case-insensitive headers for header-rule tests; {@link #toString()} shows them as sent. */
final class TestHeaders implements MutableHeaders {

    private final List<String[]> entries = new ArrayList<>();

    static TestHeaders of(String... namesAndValues) {
        TestHeaders h = new TestHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            h.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return h;
    }

    @Override
    public String get(String name) {
        for (String[] e : entries) {
            if (e[0].equalsIgnoreCase(name)) {
                return e[1];
            }
        }
        return null;
    }

    List<String> getAll(String name) {
        List<String> values = new ArrayList<>();
        for (String[] e : entries) {
            if (e[0].equalsIgnoreCase(name)) {
                values.add(e[1]);
            }
        }
        return values;
    }

    @Override
    public boolean contains(String name) {
        return get(name) != null;
    }

    @Override
    public void add(String name, String value) {
        entries.add(new String[] {name.toLowerCase(Locale.ROOT), value});
    }

    @Override
    public void set(String name, String value) {
        remove(name);
        add(name, value);
    }

    @Override
    public void remove(String name) {
        entries.removeIf(e -> e[0].equalsIgnoreCase(name));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (String[] e : entries) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e[0]).append('=').append(e[1]);
        }
        return sb.toString();
    }
}
