package dev.outrigger.sidecar.ratelimit.global;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.outrigger.sidecar.ratelimit.Descriptor;
import org.junit.jupiter.api.Test;

class RedisKeysTest {

    @Test
    void keyNamesDomainEntriesAndWindow() {
        String counter = RedisKeys.counter("shop", Descriptor.ofPairs("path", "/login", "method", "POST"));
        assertEquals("outrigger:rl:shop:path=/login,method=POST:", counter);
        assertEquals("outrigger:rl:shop:path=/login,method=POST:1800000000", RedisKeys.window(counter, 1_800_000_000L));
    }

    @Test
    void separatorsInNamesAndValuesAreEncoded() {
        assertEquals("outrigger:rl:a%3Ab:k%3D1=v%2C2%3A3%25:",
                RedisKeys.counter("a:b", Descriptor.ofPairs("k=1", "v,2:3%")));
        // Without encoding, these two would share "k=a,b=c".
        assertNotEquals(RedisKeys.counter("d", Descriptor.ofPairs("k", "a,b=c")),
                RedisKeys.counter("d", Descriptor.ofPairs("k", "a", "b", "c")));
    }

    @Test
    void bracesSpacesAndNonAsciiAreEncodedAsUtf8() {
        assertEquals("outrigger:rl:d:k=%7Btag%7D%20%C3%A9%F0%9F%98%80:",
                RedisKeys.counter("d", Descriptor.ofPairs("k", "{tag} é😀")));
        assertEquals("outrigger:rl:d:k=:", RedisKeys.counter("d", Descriptor.ofPairs("k", "")));
    }
}
