package dev.outrigger.sidecar.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Headers collected in order in a list, for a message not built yet (a filter's reply): names
 * compare ignoring case; {@link #entries()} gives them to whoever builds the message.
 */
public final class ListHeaders implements MutableHeaders {

    private final List<Map.Entry<String, String>> entries = new ArrayList<>(6);

    /** The headers in the order they were added; the list is live. */
    public List<Map.Entry<String, String>> entries() {
        return entries;
    }

    @Override
    public String get(String name) {
        for (Map.Entry<String, String> e : entries) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    @Override
    public boolean contains(String name) {
        return get(name) != null;
    }

    @Override
    public void add(String name, String value) {
        entries.add(Map.entry(name, value));
    }

    @Override
    public void set(String name, String value) {
        remove(name);
        add(name, value);
    }

    @Override
    public void remove(String name) {
        entries.removeIf(e -> e.getKey().equalsIgnoreCase(name));
    }
}
