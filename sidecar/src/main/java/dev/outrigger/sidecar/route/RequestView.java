package dev.outrigger.sidecar.route;

import java.util.List;

/** What routing needs to know of a request; implemented by the HTTP/1.1 and HTTP/2 adapters. */
public interface RequestView {

    /** The request method, e.g. {@code GET}. */
    String method();

    /** Host header / {@code :authority}, as sent (may include a port), or null. */
    String authority();

    /** The request target in origin form: path plus optional {@code ?query}, e.g. {@code /a/b?x=1}. */
    String pathAndQuery();

    /** All values of a header in arrival order; empty list when absent. The name is lower-case. */
    List<String> headerValues(String lowerCaseName);
}
