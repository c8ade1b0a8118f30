package dev.outrigger.sidecar.route;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * A request as routing sees it, over Netty's headers like the data path's {@code NettyRequestView}:
 * {@link #headerValues} is {@link HttpHeaders#getAll(String)}, so header matchers cost what they
 * cost in production.
 */
final class BenchRequest implements RequestView {

    /** Headers every benchmark request carries besides its own, so header lookups search a realistic map. */
    private static final String[] COMMON_HEADERS = {
        "user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
        "accept", "application/json, text/plain, */*",
        "accept-encoding", "gzip, deflate, br",
        "accept-language", "en-US,en;q=0.9",
        "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "x-request-id", "9b2f4c1e-6d3a-4f7b-8e21-0c5d7a9b3e64",
        "x-forwarded-proto", "https",
    };

    private final String method;
    private final String authority;
    private final String pathAndQuery;
    private final HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();

    private BenchRequest(String method, String authority, String pathAndQuery) {
        this.method = method;
        this.authority = authority;
        this.pathAndQuery = pathAndQuery;
        headers.add("host", authority);
        for (int i = 0; i < COMMON_HEADERS.length; i += 2) {
            headers.add(COMMON_HEADERS[i], COMMON_HEADERS[i + 1]);
        }
    }

    static BenchRequest get(String authority, String pathAndQuery) {
        return new BenchRequest("GET", authority, pathAndQuery);
    }

    static BenchRequest of(String method, String authority, String pathAndQuery) {
        return new BenchRequest(method, authority, pathAndQuery);
    }

    BenchRequest header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String authority() {
        return authority;
    }

    @Override
    public String pathAndQuery() {
        return pathAndQuery;
    }

    @Override
    public List<String> headerValues(String lowerCaseName) {
        return headers.getAll(lowerCaseName);
    }

    @Override
    public String toString() {
        return method + " " + authority + pathAndQuery + " " + headers;
    }
}
