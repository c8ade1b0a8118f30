package dev.outrigger.sidecar.http;

import dev.outrigger.sidecar.route.MutableHeaders;
import io.netty.handler.codec.http.HttpHeaders;

/** Netty's HTTP/1.x headers as the header rules of a route see them. */
final class NettyHeaders implements MutableHeaders {

    private final HttpHeaders headers;

    NettyHeaders(HttpHeaders headers) {
        this.headers = headers;
    }

    @Override
    public String get(String name) {
        return headers.get(name);
    }

    @Override
    public boolean contains(String name) {
        return headers.contains(name);
    }

    @Override
    public void add(String name, String value) {
        headers.add(name, value);
    }

    @Override
    public void set(String name, String value) {
        headers.set(name, value);
    }

    @Override
    public void remove(String name) {
        headers.remove(name);
    }
}
