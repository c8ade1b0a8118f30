package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.util.JsonFormat;
import dev.outrigger.proto.bootstrap.v1.SidecarSettings;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import org.junit.jupiter.api.Test;

class EnvoyTypesTest {

    @Test
    void resolvesEnvoyTypes() {
        assertSame(Listener.getDescriptor(), EnvoyTypes.descriptor("envoy.config.listener.v3.Listener").orElseThrow());
        assertSame(HttpConnectionManager.getDescriptor(), EnvoyTypes.forTypeUrl(
                "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager")
                .orElseThrow());
    }

    @Test
    void resolvesNestedMessages() {
        assertSame(Cluster.CommonLbConfig.getDescriptor(),
                EnvoyTypes.descriptor("envoy.config.cluster.v3.Cluster.CommonLbConfig").orElseThrow());
        assertEquals("io.envoyproxy.envoy.config.cluster.v3.Cluster$CommonLbConfig",
                EnvoyTypes.javaClassName("envoy.config.cluster.v3.Cluster.CommonLbConfig"));
    }

    @Test
    void resolvesOtherFamilies() {
        assertSame(SidecarSettings.getDescriptor(),
                EnvoyTypes.forTypeUrl("type.googleapis.com/outrigger.bootstrap.v1.SidecarSettings").orElseThrow());
        assertSame(Duration.getDescriptor(), EnvoyTypes.descriptor("google.protobuf.Duration").orElseThrow());
        assertSame(com.github.xds.type.v3.TypedStruct.getDescriptor(),
                EnvoyTypes.descriptor("xds.type.v3.TypedStruct").orElseThrow());
        assertSame(com.github.udpa.udpa.type.v1.TypedStruct.getDescriptor(),
                EnvoyTypes.descriptor("udpa.type.v1.TypedStruct").orElseThrow());
    }

    @Test
    void anyHostPrefixIsAccepted() {
        assertSame(Router.getDescriptor(),
                EnvoyTypes.forTypeUrl("example.com/types/envoy.extensions.filters.http.router.v3.Router").orElseThrow());
    }

    @Test
    void unknownNamesResolveToNothing() {
        assertTrue(EnvoyTypes.forTypeUrl("type.googleapis.com/foo.Bar").isEmpty());
        assertTrue(EnvoyTypes.forTypeUrl("type.googleapis.com/envoy.config.listener.v3.Listenr").isEmpty());
        assertTrue(EnvoyTypes.forTypeUrl("envoy.config.listener.v3.Listener").isEmpty(), "no slash");
        assertTrue(EnvoyTypes.descriptor("envoy.config.listener.v3").isEmpty(), "a package, not a message");
        assertTrue(EnvoyTypes.descriptor("envoy..Bad").isEmpty());
        // Classes that exist and implement Message but are protobuf's runtime, not generated types.
        assertTrue(EnvoyTypes.descriptor("google.protobuf.DynamicMessage").isEmpty());
        assertTrue(EnvoyTypes.descriptor("google.protobuf.GeneratedMessage").isEmpty());
    }

    @Test
    void typeUrlOfADescriptor() {
        assertEquals("type.googleapis.com/envoy.config.cluster.v3.Cluster", EnvoyTypes.typeUrl(Cluster.getDescriptor()));
    }

    @Test
    void defaultInstanceOfATypeUrl() {
        assertSame(Router.getDefaultInstance(),
                EnvoyTypes.defaultInstance(EnvoyTypes.typeUrl(Router.getDescriptor())).orElseThrow());
    }

    @Test
    void registryCoversAnysAtEveryDepth() throws Exception {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix("in")
                .addHttpFilters(HttpFilter.newBuilder().setName("router").setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .build();
        Bootstrap bootstrap = Bootstrap.newBuilder()
                .setStaticResources(Bootstrap.StaticResources.newBuilder().addListeners(Listener.newBuilder()
                        .setName("l")
                        .addFilterChains(FilterChain.newBuilder().addFilters(
                                Filter.newBuilder().setName("hcm").setTypedConfig(Any.pack(hcm))))))
                .addBootstrapExtensions(TypedExtensionConfig.newBuilder().setName("s")
                        .setTypedConfig(Any.pack(SidecarSettings.newBuilder().setConcurrency(3).build())))
                .build();

        JsonFormat.TypeRegistry registry = EnvoyTypes.typeRegistryFor(bootstrap);

        assertSame(Router.getDescriptor(), registry.find("envoy.extensions.filters.http.router.v3.Router"));
        assertSame(SidecarSettings.getDescriptor(), registry.find("outrigger.bootstrap.v1.SidecarSettings"));
        String json = JsonFormat.printer().usingTypeRegistry(registry).print(bootstrap);
        assertTrue(json.contains("\"@type\": \"type.googleapis.com/envoy.extensions.filters.http.router.v3.Router\""), json);
    }
}
