package dev.outrigger.sidecar.ratelimit;

import com.google.common.net.InetAddresses;
import dev.outrigger.sidecar.route.RequestView;
import dev.outrigger.sidecar.route.TestRequest;
import java.net.InetAddress;

/** A {@link RateLimitInput} for descriptor tests, built fluently around a {@link TestRequest}. */
final class TestInput implements RateLimitInput {

    private final TestRequest request;
    private InetAddress remoteIp = InetAddresses.forString("10.0.0.7");
    private String principal;
    private String destinationCluster = "backend";
    private String sourceCluster = "frontend";

    private TestInput(TestRequest request) {
        this.request = request;
    }

    static TestInput get(String pathAndQuery) {
        return new TestInput(TestRequest.get("shop.local", pathAndQuery));
    }

    TestInput header(String name, String value) {
        request.header(name, value);
        return this;
    }

    TestInput remoteIp(String ip) {
        remoteIp = ip == null ? null : InetAddresses.forString(ip);
        return this;
    }

    TestInput principal(String spiffeId) {
        principal = spiffeId;
        return this;
    }

    TestInput destinationCluster(String cluster) {
        destinationCluster = cluster;
        return this;
    }

    TestInput sourceCluster(String cluster) {
        sourceCluster = cluster;
        return this;
    }

    @Override
    public RequestView request() {
        return request;
    }

    @Override
    public InetAddress remoteIp() {
        return remoteIp;
    }

    @Override
    public String principal() {
        return principal;
    }

    @Override
    public String destinationCluster() {
        return destinationCluster;
    }

    @Override
    public String sourceCluster() {
        return sourceCluster;
    }
}
