package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.downstream.PeerCertificate;
import dev.outrigger.sidecar.listener.ForwardClientCert;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Applies {@code forward_client_cert_details} to a request going upstream: the
 * {@code x-forwarded-client-cert} header a client sent is dropped unless the configuration says
 * to keep it, and on a mutual-TLS connection this proxy may add its own element,
 * {@code By=<own SPIFFE ID>;Hash=<client cert SHA-256>;URI=<client SPIFFE ID>}, as Envoy does. A
 * client can therefore never make the app believe it is someone else.
 */
final class ClientCertHeader {

    /** The header's name. */
    static final String XFCC = "x-forwarded-client-cert";

    private ClientCertHeader() {
    }

    /** Rewrites {@code headers} for {@code config}, given what the connection's handshake established (or null). */
    static void apply(HttpHeaders headers, ForwardClientCert config, PeerCertificate peer) {
        boolean mtls = peer != null && peer.present();
        switch (config.mode()) {
            case SANITIZE -> headers.remove(XFCC);
            case ALWAYS_FORWARD_ONLY -> {
            }
            case FORWARD_ONLY -> {
                if (!mtls) {
                    headers.remove(XFCC);
                }
            }
            case APPEND_FORWARD -> {
                if (!mtls) {
                    headers.remove(XFCC);
                } else {
                    String previous = headers.get(XFCC);
                    String own = element(peer, config.uri());
                    headers.set(XFCC, previous == null || previous.isEmpty() ? own : previous + "," + own);
                }
            }
            case SANITIZE_SET -> {
                headers.remove(XFCC);
                if (mtls) {
                    headers.set(XFCC, element(peer, config.uri()));
                }
            }
        }
    }

    static String element(PeerCertificate peer, boolean uri) {
        StringBuilder sb = new StringBuilder();
        if (peer.localUri() != null) {
            sb.append("By=").append(peer.localUri()).append(';');
        }
        sb.append("Hash=").append(peer.sha256());
        if (uri && peer.uri() != null) {
            sb.append(";URI=").append(peer.uri());
        }
        return sb.toString();
    }
}
