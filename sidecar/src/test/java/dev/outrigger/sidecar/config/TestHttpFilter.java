package dev.outrigger.sidecar.config;

import com.google.protobuf.StringValue;
import dev.outrigger.sidecar.filter.FilterResult;
import dev.outrigger.sidecar.filter.HttpFilter;
import java.util.List;
import java.util.Map;

/**
 * A filter for testing the filter framework, configured with a {@code google.protobuf.StringValue}
 * (its mode), overridden per route by another: it refuses requests carrying {@code x-test-deny}
 * with 451 and marks the responses of the others with {@code x-test-seen: NAME=PER_ROUTE}. In
 * mode {@code async} it decides 50 ms later on another thread (refusing {@code x-test-deny-later});
 * in mode {@code async-fail} its decision fails; in mode {@code tracked} it lets everything
 * through and counts its builds and releases ({@link #TRACKED_BUILT}, {@link #TRACKED_RELEASED}).
 */
public final class TestHttpFilter {

    /** Filters of mode {@code tracked} built so far (one per listener configuration). */
    public static final java.util.concurrent.atomic.AtomicInteger TRACKED_BUILT = new java.util.concurrent.atomic.AtomicInteger();
    /** Of those, how many had what they opened closed (their listener configuration retired). */
    public static final java.util.concurrent.atomic.AtomicInteger TRACKED_RELEASED = new java.util.concurrent.atomic.AtomicInteger();

    private TestHttpFilter() {
    }

    /** Registers the filter type once (the registry is process-wide; the type is used by nothing else). */
    public static synchronized void register() {
        if (HttpFilterRegistry.filter(StringValue.getDescriptor().getFullName()) != null) {
            return;
        }
        HttpFilterRegistry.filter(StringValue.getDescriptor().getFullName(), (name, any, path) -> {
            String mode = ConfigValues.unpack(any, StringValue.class, path).getValue();
            if (mode.equals("invalid")) {
                throw path.field("value").invalid("\"invalid\" is refused by the test filter");
            }
            if (mode.equals("tracked")) {
                // Opens "a client" per listener configuration, as the global rate limit filter does.
                return environment -> {
                    TRACKED_BUILT.incrementAndGet();
                    environment.closeWhenRetired().accept(TRACKED_RELEASED::incrementAndGet);
                    return (HttpFilter) (request, perRoute) -> FilterResult.CONTINUE;
                };
            }
            if (mode.startsWith("async")) {
                // Decides 50 ms later on another thread, as a call to a remote service would.
                return environment -> (HttpFilter) (request, perRoute) -> {
                    boolean deny = !request.request().headerValues("x-test-deny-later").isEmpty();
                    java.util.concurrent.CompletableFuture<FilterResult> later = new java.util.concurrent.CompletableFuture<>();
                    java.util.concurrent.CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS)
                            .execute(() -> {
                                if (mode.equals("async-fail")) {
                                    later.completeExceptionally(new IllegalStateException("the test service is down"));
                                } else if (deny) {
                                    later.complete(new FilterResult.Reply(451, "test_denied", "denied later by " + name, 7,
                                            List.of()));
                                } else {
                                    request.addResponseHeader("x-test-seen", name + "=later");
                                    later.complete(FilterResult.CONTINUE);
                                }
                            });
                    return new FilterResult.Pending(later);
                };
            }
            return environment -> (HttpFilter) (request, perRoute) -> {
                if (!request.request().headerValues("x-test-deny").isEmpty()) {
                    return new FilterResult.Reply(451, "test_denied", "denied by " + name, 7,
                            List.of(Map.entry("x-test-filter", name)));
                }
                request.addResponseHeader("x-test-seen", name + "=" + (perRoute == null ? "none" : perRoute)
                        + ";principal=" + request.principal() + ";remote=" + request.remoteIp().getHostAddress());
                return FilterResult.CONTINUE;
            };
        });
        HttpFilterRegistry.perRoute(StringValue.getDescriptor().getFullName(),
                (any, path) -> ConfigValues.unpack(any, StringValue.class, path).getValue());
    }
}
