package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.route.RequestView;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/** An HTTP/1.1 request as routing sees it. Absolute-form targets are split into authority and path. */
final class NettyRequestView implements RequestView {

    private final HttpRequest request;
    private final String authority;
    private final String pathAndQuery;
    private final boolean absoluteForm;

    NettyRequestView(HttpRequest request) {
        this.request = request;
        String uri = request.uri();
        int scheme = uri.startsWith("http://") ? 7 : uri.startsWith("https://") ? 8 : -1;
        this.absoluteForm = scheme > 0;
        if (absoluteForm) {
            // absolute-form (RFC 9112 3.2.2): the target's authority wins over Host.
            int slash = uri.indexOf('/', scheme);
            this.authority = slash < 0 ? uri.substring(scheme) : uri.substring(scheme, slash);
            this.pathAndQuery = slash < 0 ? "/" : uri.substring(slash);
        } else {
            this.authority = request.headers().get(HttpHeaderNames.HOST);
            this.pathAndQuery = uri;
        }
    }

    /** True when the request target was {@code http://authority/path} rather than {@code /path}. */
    boolean isAbsoluteForm() {
        return absoluteForm;
    }

    @Override
    public String method() {
        return request.method().name();
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
        return request.headers().getAll(lowerCaseName);
    }
}
