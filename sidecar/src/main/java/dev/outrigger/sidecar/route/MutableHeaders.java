package dev.outrigger.sidecar.route;

/** Headers being sent on, as a mutable view; implemented over Netty's {@code HttpHeaders} by the data path. */
public interface MutableHeaders {

    /** The first value of the header, or null; the name is case-insensitive. */
    String get(String name);

    /** True when the header has at least one value. */
    boolean contains(String name);

    /** Adds a value after any existing ones. */
    void add(String name, String value);

    /** Replaces all values of the header with this one. */
    void set(String name, String value);

    /** Removes all values of the header. */
    void remove(String name);
}
