package dev.outrigger.sidecar.config;

/**
 * Registers every filter Outrigger implements: HTTP filters with the {@link HttpFilterRegistry},
 * network filters with the {@link NetworkFilterRegistry}.
 */
final class HttpFilters {

    private HttpFilters() {
    }

    static void register() {
        // Each HTTP filter registers its configuration type and its per-route override type here.
    }

    static void registerNetwork() {
        // Each network filter registers its configuration type here.
    }
}
