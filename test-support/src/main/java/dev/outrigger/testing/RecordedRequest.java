package dev.outrigger.testing;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/**
 * One request as a {@link TestUpstream} received it.
 *
 * @param connectionId which accepted connection carried it (1, 2, ... per upstream); over HTTP/2,
 *     the connection, not the stream
 * @param method the request method
 * @param uri the request target as sent
 * @param headers a copy of the request headers
 * @param bodyBytes how many body bytes arrived
 * @param bodyPrefix the first bytes of the body (up to {@link TestUpstream#KEPT_BODY_BYTES})
 * @param protocol {@code HTTP/1.1} (or {@code HTTP/1.0}) or {@code HTTP/2}: how the request arrived
 */
public record RecordedRequest(int connectionId, String method, String uri, HttpHeaders headers, long bodyBytes,
        byte[] bodyPrefix, String protocol) {

    /** {@link #protocol()} of a request that arrived over HTTP/2. */
    public static final String HTTP_2 = "HTTP/2";

    /** Whether the request arrived over HTTP/2. */
    public boolean isHttp2() {
        return HTTP_2.equals(protocol);
    }

    /** The kept body prefix as UTF-8 text. */
    public String body() {
        return new String(bodyPrefix, StandardCharsets.UTF_8);
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        return headers.get(name);
    }
}
