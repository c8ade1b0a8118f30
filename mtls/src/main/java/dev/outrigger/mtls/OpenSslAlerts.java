package dev.outrigger.mtls;

import io.netty.handler.ssl.OpenSslCertificateException;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Wraps a {@link SpiffeTrustManager} for the OpenSSL provider so that a refused peer receives a
 * TLS alert that says why (unknown_ca, certificate_expired, bad_certificate): Netty maps any
 * other exception to an OpenSSL error that BoringSSL reports as internal_error, which sends the
 * peer's operator looking for a bug in the proxy.
 */
final class OpenSslAlerts extends X509ExtendedTrustManager {

    // OpenSSL's X509_V_ERR_* values (x509_vfy.h), shared by BoringSSL; BoringSSL turns each into the alert named.
    private static final int CERT_NOT_YET_VALID = 9;            // certificate_expired
    private static final int CERT_HAS_EXPIRED = 10;             // certificate_expired
    private static final int UNABLE_TO_GET_ISSUER_LOCALLY = 20; // unknown_ca
    private static final int CERT_REJECTED = 28;                // bad_certificate

    private final SpiffeTrustManager delegate;

    OpenSslAlerts(SpiffeTrustManager delegate) {
        this.delegate = delegate;
    }

    private void check(X509Certificate[] chain, SpiffeTrustManager.Peer peer) throws CertificateException {
        try {
            delegate.verify(chain, peer);
        } catch (PeerRefusedException e) {
            int code = switch (e.kind()) {
                case EXPIRED -> CERT_HAS_EXPIRED;
                case NOT_YET_VALID -> CERT_NOT_YET_VALID;
                case UNKNOWN_CA -> UNABLE_TO_GET_ISSUER_LOCALLY;
                default -> CERT_REJECTED;
            };
            throw new OpenSslCertificateException(e.getMessage(), e, code);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, SpiffeTrustManager.Peer.CLIENT);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, SpiffeTrustManager.Peer.CLIENT);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, SpiffeTrustManager.Peer.CLIENT);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, SpiffeTrustManager.Peer.SERVER);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, SpiffeTrustManager.Peer.SERVER);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, SpiffeTrustManager.Peer.SERVER);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
