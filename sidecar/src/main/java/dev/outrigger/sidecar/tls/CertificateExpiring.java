package dev.outrigger.sidecar.tls;

/**
 * The event fired down a TLS connection's pipeline when a certificate it was authenticated with
 * is about to expire: HTTP connections stop taking requests and close once idle, byte relays
 * (TCP proxy, upgrade tunnels) close, since a byte stream cannot move to a new connection.
 */
public final class CertificateExpiring {

    /** The one instance. */
    public static final CertificateExpiring INSTANCE = new CertificateExpiring();

    private CertificateExpiring() {
    }

    @Override
    public String toString() {
        return "certificate expiring";
    }
}
