package dev.outrigger.sidecar.upstream;

/** Why a connection pool could not provide a connection. */
public enum UpstreamFailure {
    /** The connection was refused or failed. */
    CONNECT_FAILURE,
    /** The connection did not complete within the cluster's connect timeout. */
    CONNECT_TIMEOUT,
    /** A connection or pending-request limit was reached. */
    OVERFLOW
}
