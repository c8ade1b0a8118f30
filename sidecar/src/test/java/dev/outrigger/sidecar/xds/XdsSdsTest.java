package dev.outrigger.sidecar.xds;

import static dev.outrigger.sidecar.xds.XdsFixture.NODE;
import static dev.outrigger.sidecar.xds.XdsFixture.await;
import static dev.outrigger.sidecar.xds.XdsResources.endpoints;
import static dev.outrigger.sidecar.xds.XdsResources.httpListener;
import static dev.outrigger.sidecar.xds.XdsResources.routes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.mtls.CertifiedKey;
import dev.outrigger.mtls.Pem;
import dev.outrigger.mtls.SpiffeId;
import dev.outrigger.sidecar.server.ProxyFixture;
import dev.outrigger.sidecar.tls.MeshFiles;
import dev.outrigger.sidecar.tls.MtlsProxyTest;
import dev.outrigger.testing.RecordedRequest;
import dev.outrigger.testing.TestUpstream;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Certificates over SDS: a cluster originating mTLS takes its certificate and trust bundle from
 * secrets the control plane pushes, waits for them before serving, and takes a rotated
 * certificate without failing a request of a continuous load.
 */
class XdsSdsTest extends XdsTestBase {

    private static Secret certificate(CertifiedKey key) {
        return XdsResources.certificateSecret("default", Pem.writeCertificates(key.chain()),
                Pem.writePrivateKey(key.key()));
    }

    private static String sha256(CertifiedKey key) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(key.leaf().getEncoded()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void aCertificatePushedBySdsIsUsedAndRotatesUnderLoad(String api) throws Exception {
        MeshFiles mesh = new MeshFiles(MtlsProxyTest.TD, dir);
        Path calleeFiles = mesh.issue("payments", MtlsProxyTest.CALLEE, Duration.ofHours(1));
        TestUpstream app = keep(TestUpstream.named("payments"));
        ProxyFixture inbound = keep(ProxyFixture.start(MtlsProxyTest.inboundYaml(calleeFiles,
                "spiffe://cluster.local/"), app));
        int inboundPort = inbound.sidecar().listenerAddress("inbound").getPort();
        Secret ca = XdsResources.trustSecret("ROOTCA", Pem.writeCertificates(List.of(mesh.ca.root())));
        CertifiedKey first = mesh.ca.issue(SpiffeId.parse(MtlsProxyTest.CALLER), Duration.ofHours(1));

        TestControlPlane cp = keep(TestControlPlane.start(0));
        // One request per upstream connection: every request is a new handshake, which must use
        // the newest certificate the moment it arrives.
        var options = io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.newBuilder()
                .setCommonHttpProtocolOptions(io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
                        .setMaxRequestsPerConnection(com.google.protobuf.UInt32Value.of(1)))
                .setExplicitHttpConfig(io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                        .ExplicitHttpConfig.newBuilder().setHttpProtocolOptions(
                                io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions.getDefaultInstance()))
                .build();
        var cluster = XdsResources.mtlsCluster("payments", "default", "ROOTCA", MtlsProxyTest.CALLEE).toBuilder()
                .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                        com.google.protobuf.Any.pack(options))
                .build();
        var listener = httpListener("out", 0, "routes");
        var rds = routes("routes", Map.of("/", "payments"));
        cp.set(NODE, io.envoyproxy.controlplane.cache.v3.Snapshot.create(List.of(cluster),
                List.of(endpoints("payments", inboundPort)), List.of(listener), List.of(rds),
                List.of(certificate(first), ca), "1"));
        XdsFixture f = keep(XdsFixture.start(cp, dir, api, "10s"));
        f.awaitReady();
        assertEquals("payments", f.get("out", "/").body());
        String sdsUrl = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
        assertTrue(cp.requests().stream().anyMatch(r -> r.typeUrl().equals(sdsUrl) && r.names().contains("default")
                && r.names().contains("ROOTCA")), "SDS follows the cluster's secrets");

        CertifiedKey second = mesh.ca.issue(SpiffeId.parse(MtlsProxyTest.CALLER), Duration.ofHours(1));
        LoadLoop load = LoadLoop.start(f, "out", "/", 2);
        try (load) {
            await("load flows", () -> load.ok() > 50);
            cp.set(NODE, io.envoyproxy.controlplane.cache.v3.Snapshot.create(List.of(cluster),
                    List.of(endpoints("payments", inboundPort)), List.of(listener), List.of(rds),
                    List.of(certificate(second), ca), "2"));
            String serial = second.serial().toString(16);
            await("the new certificate is in use", () -> f.admin("/certs").contains(serial));
            int seenBefore = app.requests().size();
            long before = load.ok();
            await("requests after the rotation", () -> load.ok() > before + 50);
            // Every handshake after the push presents the new certificate.
            String newHash = sha256(second);
            List<RecordedRequest> after = app.requests().subList(seenBefore + 4, app.requests().size());
            assertTrue(after.stream().allMatch(r -> r.headers().get("x-forwarded-client-cert")
                    .contains("Hash=" + newHash)), "requests after the rotation came with the new certificate");
        }
        assertEquals(List.of(), load.failures(), "requests failed while the certificate rotated");
        Set<String> hashes = new HashSet<>();
        for (RecordedRequest r : app.requests()) {
            String xfcc = r.headers().get("x-forwarded-client-cert");
            hashes.add(xfcc.substring(xfcc.indexOf("Hash=") + 5, xfcc.indexOf(";URI=")));
        }
        assertEquals(Set.of(sha256(first), sha256(second)), hashes);
    }

    /** An inbound listener delivered by LDS whose certificate and trust bundle come by SDS serves mTLS callers. */
    @ParameterizedTest
    @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
    void aListenerTakesItsCertificateFromSds(String api) throws Exception {
        MeshFiles mesh = new MeshFiles(MtlsProxyTest.TD, dir);
        Path callerFiles = mesh.issue("cart", MtlsProxyTest.CALLER, Duration.ofHours(1));
        CertifiedKey callee = mesh.ca.issue(SpiffeId.parse(MtlsProxyTest.CALLEE), Duration.ofHours(1));
        TestUpstream app = keep(TestUpstream.named("payments"));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        var hcmListener = XdsResources.mtlsListener("inbound", 0, "inbound-routes", "default", "ROOTCA");
        cp.set(NODE, io.envoyproxy.controlplane.cache.v3.Snapshot.create(List.of(XdsResources.edsCluster("app")),
                List.of(endpoints("app", app.port())), List.of(hcmListener),
                List.of(routes("inbound-routes", Map.of("/", "app"))),
                List.of(XdsResources.certificateSecret("default", Pem.writeCertificates(callee.chain()),
                        Pem.writePrivateKey(callee.key())),
                        XdsResources.trustSecret("ROOTCA", Pem.writeCertificates(List.of(mesh.ca.root())))), "1"));
        XdsFixture inbound = keep(XdsFixture.start(cp, dir, api, "10s"));
        inbound.awaitReady();
        ProxyFixture outbound = keep(ProxyFixture.start(MtlsProxyTest.outboundYaml(callerFiles,
                inbound.sidecar.listenerAddress("inbound").getPort(), MtlsProxyTest.CALLEE)));
        int port = outbound.sidecar().listenerAddress("outbound").getPort();
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(inbound.admin("/certs").contains(MtlsProxyTest.CALLEE), "the listener presents the SDS certificate");
    }
}
