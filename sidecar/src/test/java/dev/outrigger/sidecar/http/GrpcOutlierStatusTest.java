package dev.outrigger.sidecar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code grpc-status} values as outlier detection counts them: Envoy's gRPC-to-HTTP mapping. */
class GrpcOutlierStatusTest {

    @Test
    void grpcStatusesMapAsEnvoyMapsThem() {
        assertEquals(200, Grpc.outlierStatus("0", 200));
        assertEquals(503, Grpc.outlierStatus("14", 200), "UNAVAILABLE");
        assertEquals(500, Grpc.outlierStatus("13", 200), "INTERNAL");
        assertEquals(504, Grpc.outlierStatus("4", 200), "DEADLINE_EXCEEDED");
        assertEquals(429, Grpc.outlierStatus("8", 200), "RESOURCE_EXHAUSTED");
        assertEquals(501, Grpc.outlierStatus("12", 200), "UNIMPLEMENTED");
        assertEquals(404, Grpc.outlierStatus("5", 200));
        assertEquals(200, Grpc.outlierStatus(null, 200), "not gRPC: the HTTP status");
        assertEquals(502, Grpc.outlierStatus("x", 502));
        assertEquals(200, Grpc.outlierStatus("99", 200), "unknown code");
        assertEquals(200, Grpc.outlierStatus("140", 200));
    }
}
