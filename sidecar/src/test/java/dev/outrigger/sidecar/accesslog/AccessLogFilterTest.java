package dev.outrigger.sidecar.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.accesslog.AccessLogFilter.Op;
import dev.outrigger.sidecar.http.ProxyError;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessLogFilterTest {

    private static AccessLogEntry status(int code) {
        return new AccessLogEntry().responseCode(code);
    }

    @Test
    void statusCodeComparisons() {
        assertTrue(new AccessLogFilter.StatusCode(Op.GE, 500).matches(status(503)));
        assertTrue(new AccessLogFilter.StatusCode(Op.GE, 500).matches(status(500)));
        assertFalse(new AccessLogFilter.StatusCode(Op.GE, 500).matches(status(499)));
        assertTrue(new AccessLogFilter.StatusCode(Op.LE, 299).matches(status(0)), "no response is code 0");
        assertFalse(new AccessLogFilter.StatusCode(Op.LE, 299).matches(status(300)));
        assertTrue(new AccessLogFilter.StatusCode(Op.EQ, 404).matches(status(404)));
        assertFalse(new AccessLogFilter.StatusCode(Op.EQ, 404).matches(status(403)));
    }

    @Test
    void durationComparisonsNeedADuration() {
        AccessLogFilter slow = new AccessLogFilter.Duration(Op.GE, 1_000);
        assertTrue(slow.matches(new AccessLogEntry().durationMillis(1_000)));
        assertFalse(slow.matches(new AccessLogEntry().durationMillis(999)));
        assertFalse(new AccessLogFilter.Duration(Op.LE, 10).matches(new AccessLogEntry()), "no duration");
    }

    @Test
    void notHealthCheckPassesEverything() {
        assertTrue(new AccessLogFilter.NotHealthCheck().matches(status(200)));
    }

    @Test
    void responseFlagMatchesReasonCodes() {
        AccessLogFilter denied = new AccessLogFilter.ResponseFlag(Set.of("rbac_denied", "local_rate_limited"));
        assertTrue(denied.matches(new AccessLogEntry().responseFlags("rbac_denied")));
        assertFalse(denied.matches(new AccessLogEntry().responseFlags("no_route")));
        assertFalse(denied.matches(new AccessLogEntry()));
        AccessLogFilter any = new AccessLogFilter.ResponseFlag(Set.of());
        assertTrue(any.matches(new AccessLogEntry().responseFlags("no_route")));
        assertFalse(any.matches(new AccessLogEntry()));
    }

    @Test
    void andAndOr() {
        AccessLogFilter server = new AccessLogFilter.StatusCode(Op.GE, 500);
        AccessLogFilter flagged = new AccessLogFilter.ResponseFlag(Set.of());
        AccessLogEntry upstream503 = status(503);
        AccessLogEntry local503 = status(503).responseFlags("no_healthy_upstream");
        assertFalse(new AccessLogFilter.And(List.of(server, flagged)).matches(upstream503));
        assertTrue(new AccessLogFilter.And(List.of(server, flagged)).matches(local503));
        assertTrue(new AccessLogFilter.Or(List.of(flagged, server)).matches(upstream503));
        assertFalse(new AccessLogFilter.Or(List.of(flagged, server)).matches(status(200)));
    }

    @Test
    void everyReasonCodeOfTheDataPathIsKnown() {
        for (ProxyError error : ProxyError.values()) {
            assertTrue(ResponseFlags.REASON_CODES.contains(error.code()), error.code());
        }
        assertEquals(Set.of("rbac_denied"), ResponseFlags.reasonCodes("rbac_denied"));
        assertEquals(Set.of("upstream_connect_failure", "upstream_connect_timeout"), ResponseFlags.reasonCodes("UF"));
        assertNull(ResponseFlags.reasonCodes("UAEX"), "no external authorization in Outrigger");
        assertNull(ResponseFlags.reasonCodes("rbac_deny"));
        for (String flag : ResponseFlags.envoyFlags()) {
            assertTrue(ResponseFlags.REASON_CODES.containsAll(ResponseFlags.reasonCodes(flag)), flag);
        }
    }
}
