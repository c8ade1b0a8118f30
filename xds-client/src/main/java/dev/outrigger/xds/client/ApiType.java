package dev.outrigger.xds.client;

/** The two variants of the ADS stream, as Envoy's {@code ApiConfigSource.api_type} names them. */
public enum ApiType {

    /** {@code GRPC}: state-of-the-world; every response carries the complete set for its type. */
    STATE_OF_THE_WORLD,

    /** {@code DELTA_GRPC}: incremental; responses carry changed and removed resources only. */
    DELTA
}
