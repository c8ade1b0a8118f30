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
        callThroughOutbound(callerFiles, inbound);
        assertTrue(inbound.admin("/certs").contains(MtlsProxyTest.CALLEE), "the listener presents the SDS certificate");
    }

    /**
     * The validation secret carries Envoy's SPIFFE validator with a bundle map: a federated
     * partner's workload is served. When the listener goes, so do its certificate's {@code /certs}
     * entry and expiry series.
     */
    @org.junit.jupiter.api.Test
    void aValidationSecretCanCarryTheSpiffeValidator() throws Exception {
        MeshFiles mesh = new MeshFiles(MtlsProxyTest.TD, dir);
        MeshFiles partner = new MeshFiles("partner.test", dir.resolve("partner"));
        String partnerId = "spiffe://partner.test/ns/pay/sa/api";
        Path callerFiles = partner.issue("api", partnerId, Duration.ofHours(1));
        // The caller checks the callee against the mesh's CA.
        dev.outrigger.mtls.AtomicFiles.write(callerFiles.resolve("ca.pem"), Pem.writeCertificates(List.of(mesh.ca.root())));
        CertifiedKey callee = mesh.ca.issue(SpiffeId.parse(MtlsProxyTest.CALLEE), Duration.ofHours(1));
        TestUpstream app = keep(TestUpstream.named("payments"));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        Secret federated = Secret.newBuilder().setName("ROOTCA").setValidationContext(
                io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext.newBuilder()
                        .setCustomValidatorConfig(io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig.newBuilder()
                                .setName("envoy.tls.cert_validator.spiffe")
                                .setTypedConfig(com.google.protobuf.Any.pack(
                                        io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig
                                                .newBuilder().setTrustBundles(io.envoyproxy.envoy.config.core.v3.DataSource
                                                        .newBuilder().setInlineString(MeshFiles.bundleMap(Map.of(
                                                                MtlsProxyTest.TD, mesh.ca.root(),
                                                                "partner.test", partner.ca.root())))).build()))))
                .build();
        var cluster = XdsResources.edsCluster("app");
        var cla = endpoints("app", app.port());
        var rds = routes("inbound-routes", Map.of("/", "app"));
        Secret cert = certificate(callee);
        cp.set(NODE, io.envoyproxy.controlplane.cache.v3.Snapshot.create(List.of(cluster), List.of(cla),
                List.of(XdsResources.mtlsListener("inbound", 0, "inbound-routes", "default", "ROOTCA")), List.of(rds),
                List.of(cert, federated), "1"));
        XdsFixture inbound = keep(XdsFixture.start(cp, dir, "DELTA_GRPC", "10s"));
        inbound.awaitReady();
        callThroughOutbound(callerFiles, inbound);
        // The listener requires a client certificate: the partner's was accepted through the bundle map.
        assertEquals(1, app.requests().size());
        assertTrue(inbound.admin("/certs").contains(MtlsProxyTest.CALLEE));
        assertTrue(inbound.admin("/stats/prometheus").contains("spiffe_id=\"" + MtlsProxyTest.CALLEE + "\""));

        // The listener is removed: its certificate is no longer in use, so no longer reported.
        cp.set(NODE, io.envoyproxy.controlplane.cache.v3.Snapshot.create(List.of(cluster), List.of(cla),
                List.of(), List.of(), List.of(), "2"));
        await("the listener's certificate leaves /certs", () -> !inbound.admin("/certs").contains(MtlsProxyTest.CALLEE));
        assertTrue(!inbound.admin("/stats/prometheus").contains("outrigger_tls_certificate_expiry_seconds{"),
                "no expiry series for a certificate no longer used");
    }

    /**
     * The listener's certificate, short-lived, is replaced by an SDS push while callers keep
     * connections alive: no request fails, and every connection made with the old certificate is
     * replaced by the caller's sidecar before it expires (never after, and never by the listener's
     * backstop), over HTTP/1.1 and HTTP/2.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aListenerCertificatePushedBySdsReplacesKeptAliveConnectionsBeforeTheOldOneExpires(boolean http2)
            throws Exception {
        MeshFiles mesh = new MeshFiles(MtlsProxyTest.TD, dir);
        Path callerFiles = mesh.issue("cart", MtlsProxyTest.CALLER, Duration.ofHours(1));
        TestUpstream app = keep(TestUpstream.named("payments"));
        TestControlPlane cp = keep(TestControlPlane.start(0));
        var cluster = XdsResources.edsCluster("app");
        var cla = endpoints("app", app.port());
        var listener = XdsResources.mtlsListener("inbound", 0, "inbound-routes", "default", "ROOTCA");
        var rds = routes("inbound-routes", Map.of("/", "app"));
        Secret ca = XdsResources.trustSecret("ROOTCA", Pem.writeCertificates(List.of(mesh.ca.root())));
        CertifiedKey first = mesh.ca.issue(SpiffeId.parse(MtlsProxyTest.CALLEE), Duration.ofSeconds(10));
        cp.set(NODE, io.envoyproxy.controlplane.cache.v3.Snapshot.create(List.of(cluster), List.of(cla), List.of(listener),
                List.of(rds), List.of(certificate(first), ca), "1"));
        XdsFixture inbound = keep(XdsFixture.start(cp, dir, "DELTA_GRPC", "10s"));
        inbound.awaitReady();

        dev.outrigger.sidecar.tls.LogCapture replaced = dev.outrigger.sidecar.tls.LogCapture.debug(
                "dev.outrigger.sidecar.upstream.UpstreamTlsRenewal");
        dev.outrigger.sidecar.tls.LogCapture backstop = dev.outrigger.sidecar.tls.LogCapture.of(
                dev.outrigger.sidecar.downstream.TlsTerminator.class);
        try {
            ProxyFixture outbound = keep(ProxyFixture.start(MtlsProxyTest.outboundYaml(callerFiles,
                    inbound.sidecar.listenerAddress("inbound").getPort(), MtlsProxyTest.CALLEE, http2)));
            try (LoadLoop load = LoadLoop.start(java.net.http.HttpClient.newHttpClient(),
                    outbound.sidecar().listenerAddress("outbound").getPort(), "/", 2)) {
                await("load flows", () -> load.ok() > 20);
                CertifiedKey second = mesh.ca.issue(SpiffeId.parse(MtlsProxyTest.CALLEE), Duration.ofHours(1));
                cp.set(NODE, io.envoyproxy.controlplane.cache.v3.Snapshot.create(List.of(cluster), List.of(cla),
                        List.of(listener), List.of(rds), List.of(certificate(second), ca), "2"));
                await("the listener presents the new certificate",
                        () -> inbound.admin("/certs").contains(second.serial().toString(16)));
                long expiry = first.notAfter().toEpochMilli();
                await("the old certificate has expired", () -> System.currentTimeMillis() > expiry + 500);
                long atExpiry = load.ok();
                await("requests after the old certificate expired", () -> load.ok() > atExpiry + 20);
                assertEquals(List.of(), load.failures(), "requests failed while the listener's certificate rotated");
            }
        } finally {
            replaced.close();
            backstop.close();
        }
        List<Long> replacements = replaced.events().stream()
                .filter(e -> e.getFormattedMessage().contains("replacing a connection"))
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getTimeStamp).toList();
        assertTrue(!replacements.isEmpty(), "connections made with the short-lived certificate were replaced");
        long expiry = first.notAfter().toEpochMilli();
        assertTrue(replacements.stream().allMatch(t -> t < expiry), "a connection outlived its certificate: "
                + replacements.stream().map(t -> (t - expiry) + " ms").toList());
        assertTrue(!backstop.any("draining a connection"),
                "the caller's sidecar replaced its connections before the listener had to");
    }

    /** Calls {@code inbound} through a static outbound sidecar with the caller's files; expects 200. */
    private void callThroughOutbound(Path callerFiles, XdsFixture inbound) throws Exception {
        ProxyFixture outbound = keep(ProxyFixture.start(MtlsProxyTest.outboundYaml(callerFiles,
                inbound.sidecar.listenerAddress("inbound").getPort(), MtlsProxyTest.CALLEE)));
        int port = outbound.sidecar().listenerAddress("outbound").getPort();
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }
}
