package dev.outrigger.sidecar.config;

/** Registers every HTTP filter Outrigger implements with the {@link HttpFilterRegistry}. */
final class HttpFilters {

    private HttpFilters() {
    }

    static void register() {
        // Each filter registers its configuration type and its per-route override type here.
    }
}
