package dev.outrigger.sidecar.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClustersTextTest {

    @Test
    void edsHealthBecomesEnvoysHealthFlags() {
        assertEquals("healthy", ClustersText.healthFlags("UNKNOWN"));
        assertEquals("healthy", ClustersText.healthFlags("HEALTHY"));
        assertEquals("/failed_eds_health", ClustersText.healthFlags("UNHEALTHY"));
        assertEquals("/failed_eds_health", ClustersText.healthFlags("TIMEOUT"));
        assertEquals("/eds_status_draining", ClustersText.healthFlags("DRAINING"));
        assertEquals("/degraded_eds_health", ClustersText.healthFlags("DEGRADED"));
    }

    @Test
    void healthCheckingAndOutlierFlagsComeFirst() {
        var e = dev.outrigger.proto.admin.v1.EndpointStatus.newBuilder().setHealthStatus("HEALTHY");
        assertEquals("healthy", ClustersText.healthFlags(e.build()));
        assertEquals("/failed_active_hc", ClustersText.healthFlags(e.setFailedActiveHealthCheck(true).build()));
        assertEquals("/failed_active_hc/failed_outlier_check", ClustersText.healthFlags(e.setOutlierEjected(true).build()));
        assertEquals("/failed_active_hc/failed_outlier_check/failed_eds_health",
                ClustersText.healthFlags(e.setHealthStatus("UNHEALTHY").build()));
    }
}
