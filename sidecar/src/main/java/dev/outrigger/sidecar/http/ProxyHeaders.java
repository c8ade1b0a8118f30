package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.listener.HttpConnectionManagerConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The headers a proxy itself owns: hop-by-hop removal, {@code x-forwarded-*} and {@code x-request-id}. */
final class ProxyHeaders {

    static final String X_REQUEST_ID = "x-request-id";
    static final String X_FORWARDED_FOR = "x-forwarded-for";
    static final String X_FORWARDED_PROTO = "x-forwarded-proto";
    static final String X_OUTRIGGER_ERROR = "x-outrigger-error";

    private ProxyHeaders() {
    }

    /**
     * Removes hop-by-hop headers (RFC 9110 7.6.1): those named in {@code Connection} and the
     * standard ones. {@code Transfer-Encoding} stays: the codec re-frames the body by it.
     * {@code TE: trailers} stays too, as gRPC needs it.
     */
    static void removeHopByHop(HttpHeaders headers) {
        List<String> connection = headers.getAll(HttpHeaderNames.CONNECTION);
        for (String value : connection) {
            for (String name : value.split(",")) {
                String n = name.trim();
                if (!n.isEmpty() && !n.equalsIgnoreCase("transfer-encoding")) {
                    headers.remove(n);
                }
            }
        }
        headers.remove(HttpHeaderNames.CONNECTION);
        headers.remove(HttpHeaderNames.KEEP_ALIVE);
        headers.remove(HttpHeaderNames.PROXY_CONNECTION);
        headers.remove(HttpHeaderNames.UPGRADE);
        String te = headers.get(HttpHeaderNames.TE);
        if (te != null && !te.trim().equalsIgnoreCase("trailers")) {
            headers.remove(HttpHeaderNames.TE);
        }
    }

    /** Sets {@code x-forwarded-for}, {@code x-forwarded-proto} and {@code x-request-id} on a request going upstream. */
    static void addForwarded(HttpHeaders headers, HttpConnectionManagerConfig hcm, String remoteIp, String scheme) {
        if (!hcm.skipXffAppend() && remoteIp != null) {
            String xff = headers.get(X_FORWARDED_FOR);
            headers.set(X_FORWARDED_FOR, xff == null || xff.isBlank() ? remoteIp : xff + ", " + remoteIp);
        }
        if (hcm.useRemoteAddress() || !headers.contains(X_FORWARDED_PROTO)) {
            headers.set(X_FORWARDED_PROTO, scheme);
        }
        boolean present = headers.contains(X_REQUEST_ID);
        boolean regenerate = hcm.useRemoteAddress() && !hcm.preserveExternalRequestId();
        if (hcm.generateRequestId() && (!present || regenerate)) {
            headers.set(X_REQUEST_ID, newRequestId());
        }
    }

    /** A random (version 4) UUID without touching SecureRandom's lock on the event loop. */
    static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        return new UUID(msb, lsb).toString();
    }
}
