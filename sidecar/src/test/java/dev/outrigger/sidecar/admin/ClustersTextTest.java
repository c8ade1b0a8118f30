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
}
