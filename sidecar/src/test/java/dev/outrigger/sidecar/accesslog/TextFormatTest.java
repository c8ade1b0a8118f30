package dev.outrigger.sidecar.accesslog;

import static dev.outrigger.sidecar.accesslog.Entries.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextFormatTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "%START_TIME%                                   | 2016-04-15T20:17:00.310Z         | -",
        "%START_TIME(%s.%3f)%                           | 1460751420.310                   | -",
        "%DURATION%                                     | 226                              | -",
        "%REQ(:METHOD)%                                 | POST                             | -",
        "%REQ(:PATH)%                                   | /api/v1/locations?x=1            | -",
        "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%             | /original                        | -",
        "%REQ(:AUTHORITY)%                              | locations                        | -",
        "%REQ(HOST)%                                    | locations                        | -",
        "%REQ(USER-AGENT)%                              | nsq2http                         | -",
        "%REQ(X-REQUEST-ID)%                            | cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2 | -",
        "%REQ(X-FORWARDED-FOR)%                         | 10.0.35.28                       | -",
        "%REQ(X-Custom)%                                | abcdefghij                       | -",
        "%REQUEST_HEADER(x-custom)%                     | abcdefghij                       | -",
        "%REQ(X-CUSTOM):4%                              | abcd                             | -",
        "%REQ(X-ABSENT?X-CUSTOM):3%                     | abc                              | -",
        "%REQ(X-ABSENT)%                                | -                                | -",
        "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%          | 100                              | -",
        "%RESPONSE_HEADER(content-type)%                | text/plain                       | -",
        "%PROTOCOL%                                     | HTTP/2                           | -",
        "%RESPONSE_CODE%                                | 204                              | 0",
        "%RESPONSE_FLAGS%                               | upstream_reset                   | -",
        "%BYTES_RECEIVED%                               | 154                              | 0",
        "%BYTES_SENT%                                   | 0                                | 0",
        "%UPSTREAM_HOST%                                | 10.0.2.1:80                      | -",
        "%UPSTREAM_REMOTE_ADDRESS%                      | 10.0.2.1:80                      | -",
        "%UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%         | 10.0.2.1                         | -",
        "%UPSTREAM_CLUSTER%                             | locations                        | -",
        "%UPSTREAM_TRANSPORT_FAILURE_REASON%            | TLS handshake failed             | -",
        "%ROUTE_NAME%                                   | default_route                    | -",
        "%DOWNSTREAM_REMOTE_ADDRESS%                    | 10.0.35.28:51000                 | -",
        "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%       | 10.0.35.28                       | -",
        "%DOWNSTREAM_DIRECT_REMOTE_ADDRESS%             | 10.1.1.1:40000                   | -",
        "%DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT% | 10.1.1.1                        | -",
        "%DOWNSTREAM_LOCAL_ADDRESS%                     | [2001:db8::1]:15006              | -",
        "%DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%        | 2001:db8::1                      | -",
        "%REQUESTED_SERVER_NAME%                        | locations.mesh.local             | -",
        "%DOWNSTREAM_PEER_URI_SAN%                      | spiffe://mesh.local/ns/default/sa/nsq | -",
        "%TRACE_ID%                                     | 4bf92f3577b34da6a3ce929d0e0e4736 | -",
        "%DYNAMIC_METADATA(envoy.filters.http.rbac:enforced_effective_policy_id)% | allow-nsq | -",
        "%DYNAMIC_METADATA(envoy.filters.http.rbac:enforced_effective_policy_id):5% | allow | -",
        "%DYNAMIC_METADATA(envoy.filters.http.rbac:absent)% | -                                | -",
        "%DYNAMIC_METADATA(envoy.filters.http.rbac)%    | `{\"enforced_effective_policy_id\":\"allow-nsq\",\"shadow_engine_result\":\"denied\"}` | -",
        "%DYNAMIC_METADATA(other.namespace)%            | -                                | -",
        "100%% done                                     | 100% done                        | 100% done",
        "%%START_TIME%%                                 | %START_TIME%                     | %START_TIME%",
    })
    void everyOperatorWithAndWithoutItsValue(String format, String full, String empty) throws Exception {
        assertEquals(full, text(format, Entries.full()), "every value set");
        assertEquals(empty, text(format, Entries.empty()), "no value set");
    }

    @Test
    void envoysDefaultFormatPrintsEnvoysDocumentedExample() {
        AccessLogEntry e = Entries.full().requestHeaders(name -> null).responseHeaders(
                Map.of("x-envoy-upstream-service-time", "100")::get).responseFlags(null).path("/api/v1/locations");
        StringBuilder out = new StringBuilder();
        TextFormat.ENVOY_DEFAULT.format(e, out);
        assertEquals("[2016-04-15T20:17:00.310Z] \"POST /api/v1/locations HTTP/2\" 204 - 154 0 226 100 \"10.0.35.28\" "
                + "\"nsq2http\" \"cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2\" \"locations\" \"10.0.2.1:80\"\n", out.toString());
    }

    @Test
    void aTcpConnectionHasNoRequestResponseOrProtocol() throws Exception {
        AccessLogEntry tcp = Entries.full().kind(AccessLogEntry.Kind.TCP);
        assertEquals("- - - - 154 0 226 10.0.2.1:80 upstream_reset",
                text("%REQ(:METHOD)% %RESP(content-type)% %PROTOCOL% %RESPONSE_CODE% %BYTES_RECEIVED% %BYTES_SENT% "
                        + "%DURATION% %UPSTREAM_HOST% %RESPONSE_FLAGS%", tcp));
    }

    @Test
    void anEmptyHeaderIsMissingAndItsAlternativeIsUsed() throws Exception {
        AccessLogEntry e = Entries.empty().requestHeaders(Map.of("a", "", "b", "bee")::get);
        assertEquals("- bee", text("%REQ(a)% %REQ(a?b)%", e));
    }

    @Test
    void truncationNeverSplitsASurrogatePair() throws Exception {
        AccessLogEntry e = Entries.empty().userAgent("a\uD83D\uDE00b");
        assertEquals("a", text("%REQ(user-agent):2%", e));
        assertEquals("a\uD83D\uDE00", text("%REQ(user-agent):3%", e));
    }

    @Test
    void omitEmptyValuesPrintsNothingForMissingValues() throws Exception {
        StringBuilder out = new StringBuilder();
        TextFormat.of(Template.parse("[%ROUTE_NAME%][%RESPONSE_CODE%]"), true).format(Entries.empty(), out);
        assertEquals("[][0]", out.toString());
    }

    @Test
    void textIsNotEscapedAndNoNewlineIsAdded() throws Exception {
        AccessLogEntry e = Entries.empty().userAgent("say \"hi\"\\");
        assertEquals("ua=say \"hi\"\\", text("ua=%REQ(user-agent)%", e));
    }

    @Test
    void nestedMetadataIsFoundByAPathOfKeys() throws Exception {
        AccessLogEntry e = Entries.empty()
                .metadata("com.test", "object", Map.of("inner", "bar"))
                .metadata("com.test", "count", 3L)
                .metadata("com.test", "ratio", 0.5)
                .metadata("com.test", "flag", true);
        assertEquals("bar {\"inner\":\"bar\"} 3 0.5 true -",
                text("%DYNAMIC_METADATA(com.test:object:inner)% %DYNAMIC_METADATA(com.test:object)% "
                        + "%DYNAMIC_METADATA(com.test:count)% %DYNAMIC_METADATA(com.test:ratio)% "
                        + "%DYNAMIC_METADATA(com.test:flag)% %DYNAMIC_METADATA(com.test:count:deeper)%", e));
    }

    @Test
    void anEntryCanBeResetAndReused() throws Exception {
        AccessLogEntry e = Entries.full().reset();
        assertEquals(text("%START_TIME% %REQ(:PATH)% %RESPONSE_CODE% %DYNAMIC_METADATA(envoy.filters.http.rbac)%",
                Entries.empty()), text("%START_TIME% %REQ(:PATH)% %RESPONSE_CODE% "
                + "%DYNAMIC_METADATA(envoy.filters.http.rbac)%", e));
        assertEquals(AccessLogEntry.Kind.HTTP, e.kind());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "%FOO%                    | unknown command operator %FOO%: not one Outrigger supports (docs/observability.md lists them)",
        "%start_time%             | unknown command operator %start_time%: not one Outrigger supports (docs/observability.md lists them)",
        "%GRPC_STATUS%            | unknown command operator %GRPC_STATUS%: not one Outrigger supports (docs/observability.md lists them)",
        "50% off                  | a lone '%' at position 2 starts no command operator (write %% for a percent sign)",
        "done 100%                | a lone '%' at position 8 starts no command operator (write %% for a percent sign)",
        "%REQ(a                   | %REQ( at position 0 has no closing ')'",
        "%DURATION                | command operator %DURATION at position 0 does not end with '%'",
        "%REQ(a):%                | %REQ%: ':' must be followed by a maximum length",
        "%REQ(a):0%               | %REQ%: the maximum length must be at least 1",
        "%REQ(a):99999999999%     | %REQ%: maximum length 99999999999 is too large",
        "%DURATION(x)%            | %DURATION% takes no argument, got (x)",
        "%REQ%                    | %REQ% needs a header name, e.g. %REQ(x-request-id)%",
        "%RESP()%                 | %RESP% needs a header name, e.g. %RESP(x-request-id)%",
        "%REQ(a?b?c)%             | %REQ(a?b?c)% has more than one '?': give one header and at most one alternative",
        "%REQ(a?)%                | %REQ(a?)% has an empty header name",
        "%DYNAMIC_METADATA%       | %DYNAMIC_METADATA% needs a namespace, e.g. %DYNAMIC_METADATA(envoy.filters.http.rbac:enforced_effective_policy_id)%",
        "%DYNAMIC_METADATA(ns::k)% | %DYNAMIC_METADATA(ns::k)% has an empty namespace or key",
        "%START_TIME(%Q)%         | START_TIME format \"%Q\": %Q is not supported (supported: %Y %y %m %d %e %H %M %S %s %f %1f-%9f %z %Z %a %A %b %B %F %T %%)",
    })
    void aFormatOutriggerCannotPrintIsRejectedWithTheReason(String format, String reason) {
        InvalidFormatException e = assertThrows(InvalidFormatException.class, () -> Template.parse(format));
        assertEquals(reason, e.getMessage());
    }

    @Test
    void templatesAreEqualByTheirSource() throws Exception {
        assertEquals(Template.parse("%DURATION%"), Template.parse("%DURATION%"));
        assertEquals(TextFormat.of(Template.parse("%DURATION%\n"), false),
                TextFormat.of(Template.parse("%DURATION%\n"), false));
        assertEquals("%DURATION%\n", TextFormat.of(Template.parse("%DURATION%\n"), true).template().source());
    }

    @Test
    void hostPortPrintsAddressesAsTheLogDoes() {
        assertEquals("10.0.0.1:8080", AccessLogEntry.hostPort(new java.net.InetSocketAddress("10.0.0.1", 8080)));
        assertEquals("[2001:db8::1]:443", AccessLogEntry.hostPort(new java.net.InetSocketAddress("2001:db8:0:0:0:0:0:1",
                443)));
        assertEquals(null, AccessLogEntry.hostPort(null));
    }
}
