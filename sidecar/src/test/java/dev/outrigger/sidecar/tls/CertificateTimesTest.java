package dev.outrigger.sidecar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When each side replaces a connection, from the first expiry of its two certificates. */
class CertificateTimesTest {

    private static final long NOW = 1_000_000;

    @Test
    void longLivedCertificatesGetFixedMarginsTheOpenerFirst() {
        long expires = NOW + 3_600_000;
        assertEquals(3_600_000 - 60_000, CertificateTimes.delayMillis(expires, NOW, true));
        assertEquals(3_600_000 - 30_000, CertificateTimes.delayMillis(expires, NOW, false));
        // Just above the threshold the margins still apply.
        assertEquals(120_001 - 60_000, CertificateTimes.delayMillis(NOW + 120_001, NOW, true));
    }

    @Test
    void shortLivedCertificatesGetAShareOfWhatIsLeft() {
        assertEquals(60_000, CertificateTimes.delayMillis(NOW + 120_000, NOW, true), "half");
        assertEquals(108_000, CertificateTimes.delayMillis(NOW + 120_000, NOW, false), "nine tenths");
        assertEquals(2_000, CertificateTimes.delayMillis(NOW + 4_000, NOW, true));
        assertEquals(3_600, CertificateTimes.delayMillis(NOW + 4_000, NOW, false));
        for (long left = 1; left <= 200_000; left += 997) {
            long opener = CertificateTimes.delayMillis(NOW + left, NOW, true);
            long acceptor = CertificateTimes.delayMillis(NOW + left, NOW, false);
            assertTrue(opener < left && acceptor < left || left == 1, "before expiry: " + left);
            assertTrue(opener < acceptor || left == 1, "the opener acts first: " + left);
        }
    }

    @Test
    void dueAndUnboundedConnections() {
        assertEquals(0, CertificateTimes.delayMillis(NOW, NOW, true));
        assertEquals(0, CertificateTimes.delayMillis(NOW - 5, NOW, false));
        assertEquals(Long.MAX_VALUE, CertificateTimes.delayMillis(Long.MAX_VALUE, NOW, true));
    }
}
