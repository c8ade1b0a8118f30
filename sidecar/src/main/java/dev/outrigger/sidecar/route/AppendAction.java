package dev.outrigger.sidecar.route;

/** What a header addition does when the header already exists, as Envoy's {@code HeaderAppendAction}. */
public enum AppendAction {
    /** Add another value, or the first one. The default. */
    APPEND_IF_EXISTS_OR_ADD,
    /** Add only when the header is absent. */
    ADD_IF_ABSENT,
    /** Replace all values, or add when absent. */
    OVERWRITE_IF_EXISTS_OR_ADD,
    /** Replace all values only when the header is present. */
    OVERWRITE_IF_EXISTS
}
