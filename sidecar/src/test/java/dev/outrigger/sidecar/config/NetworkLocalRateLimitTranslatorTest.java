package dev.outrigger.sidecar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import dev.outrigger.sidecar.ratelimit.NetworkLocalRateLimitConfig;
import dev.outrigger.sidecar.ratelimit.TokenBucketSpec;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NetworkLocalRateLimitTranslatorTest {

    private static final String AT = "filter_chains[0].filters[0].typed_config";
    private static final String BUCKET = "stat_prefix: tcp_rl\ntoken_bucket: { max_tokens: 50, fill_interval: 1s }\n";

    private static NetworkLocalRateLimitConfig translate(String yaml) throws ResourceInvalidException {
        LocalRateLimit proto = ProtoYaml.parse(yaml, LocalRateLimit.newBuilder());
        return NetworkLocalRateLimitTranslator.translate(Any.pack(proto), FieldPath.of(AT));
    }

    private static void assertRejected(String yaml, String path, String reason) {
        ResourceInvalidException e = assertThrows(ResourceInvalidException.class, () -> translate(yaml));
        assertEquals(AT + path, e.path().toString(), e.getMessage());
        assertEquals(reason, e.reason());
    }

    @Test
    void enabledByDefault() throws Exception {
        assertEquals(new NetworkLocalRateLimitConfig("tcp_rl", new TokenBucketSpec(50, 1, Duration.ofSeconds(1)), true),
                translate(BUCKET));
    }

    @Test
    void runtimeEnabledDefaultValueDecides() throws Exception {
        assertEquals(false, translate(BUCKET + "runtime_enabled: { default_value: false, runtime_key: rl.on }\n")
                .enabled());
        assertEquals(true, translate(BUCKET + "runtime_enabled: { default_value: true }\n").enabled());
        assertRejected(BUCKET + "runtime_enabled: { runtime_key: rl.on }\n", ".runtime_enabled.default_value",
                "required (Outrigger has no runtime, so it is the value used)");
    }

    @Test
    void requiredFields() {
        assertRejected("token_bucket: { max_tokens: 1, fill_interval: 1s }\n", ".stat_prefix",
                "required, as in Envoy (it prefixes this filter's statistics)");
        assertRejected("stat_prefix: s\n", ".token_bucket", "required: one token per accepted connection");
        assertRejected("stat_prefix: s\ntoken_bucket: { max_tokens: 1, fill_interval: 0.01s }\n",
                ".token_bucket.fill_interval", "must be at least 50ms, as in Envoy (got 0.01s)");
    }

    @Test
    void sharedBucketsAreNotSupported() {
        assertRejected(BUCKET + "share_key: edge\n", ".share_key", "is not supported: every filter chain has a bucket"
                + " of its own (sharing one among filters is not implemented)");
    }
}
