package dev.outrigger.sidecar.ratelimit;

import dev.outrigger.sidecar.ratelimit.Decision.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The buckets of one HTTP local rate limit configuration and the decision over them: Envoy's
 * {@code LocalRateLimiterImpl}. Make one per configuration (filter or route override) when it is
 * translated, or one per downstream connection when {@link LocalRateLimitConfig#perConnection()};
 * it is shared by every event loop, and safe without locks on the request path.
 *
 * <p>Choosing among buckets follows Envoy: every configured descriptor that a request descriptor
 * matches (verbatim, or through a wildcard descriptor's empty values) is a candidate; candidates
 * are tried from the slowest fill rate to the fastest and the first one empty refuses the request,
 * so the strictest limit is usually the one that speaks and more generous ones are not drained by
 * requests it refuses (tokens already taken from slower buckets stay taken, as in Envoy). The
 * default bucket is tried last, when no descriptor matched or
 * {@code always_consume_default_token_bucket} (the default) is set. One deliberate difference: a
 * bucket that two request descriptors match is drawn from once, not twice.
 */
public final class LocalRateLimiter {

    private static final Decision ALLOWED_WITHOUT_BUCKET = new Decision(Outcome.ALLOWED, null, null);

    private final LocalRateLimitConfig config;
    private final Candidate defaultBucket;
    private final Map<Descriptor, Candidate> exact = new HashMap<>();
    private final DynamicBuckets[] wildcards;

    /** The buckets of {@code config}, on {@link System#nanoTime()}. */
    public LocalRateLimiter(LocalRateLimitConfig config) {
        this(config, System::nanoTime);
    }

    /** The buckets of {@code config}, full, filling by {@code nanoClock} (monotonic nanoseconds). */
    public LocalRateLimiter(LocalRateLimitConfig config, LongSupplier nanoClock) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(nanoClock, "nanoClock");
        this.defaultBucket = config.tokenBucket() == null
                ? null
                : new Candidate(new TokenBucket(config.tokenBucket(), nanoClock), null);
        List<DynamicBuckets> dynamic = new ArrayList<>();
        for (DescriptorLimit limit : config.descriptors()) {
            if (limit.descriptor().isWildcard()) {
                dynamic.add(new DynamicBuckets(limit, config.maxDynamicDescriptors(), nanoClock));
            } else {
                exact.put(limit.descriptor(),
                        new Candidate(new TokenBucket(limit.tokenBucket(), nanoClock), limit.descriptor()));
            }
        }
        this.wildcards = dynamic.toArray(new DynamicBuckets[0]);
    }

    /** The configuration. */
    public LocalRateLimitConfig config() {
        return config;
    }

    /**
     * The descriptors of a request, from the rules Envoy's local rate limit filter uses: the
     * filter's own {@code rate_limits} when it has any, else the route's and the virtual host's
     * as {@code vh_rate_limits} says, keeping only the rules of the filter's stage that have no
     * {@code disable_key}. None when the configuration has no descriptor limits, which is when
     * Envoy does not build them.
     *
     * @param input the request
     * @param routeRules the matched route's {@code rate_limits}
     * @param virtualHostRules its virtual host's {@code rate_limits}
     * @param routeIncludesVirtualHostRules the route's {@code include_vh_rate_limits}, which
     *     makes {@code vh_rate_limits} INCLUDE for it
     */
    public List<Descriptor> descriptors(RateLimitInput input, List<RateLimitRule> routeRules,
            List<RateLimitRule> virtualHostRules, boolean routeIncludesVirtualHostRules) {
        if (!config.usesDescriptors()) {
            return List.of();
        }
        if (!config.rateLimits().isEmpty()) {
            return Descriptors.of(config.rateLimits(), input);
        }
        return Descriptors.ofRoute(routeRules, virtualHostRules, routeIncludesVirtualHostRules
                ? LocalRateLimitConfig.VirtualHostRateLimits.INCLUDE
                : config.virtualHostRateLimits(), config.stage(), input);
    }

    /**
     * Decides one request.
     *
     * @param requestDescriptors the request's descriptors ({@link #descriptors}); may be empty
     * @param enabledRoll a uniform draw in [0, 1) tested against {@code filter_enabled}
     * @param enforcedRoll a uniform draw in [0, 1) tested against {@code filter_enforced} when
     *     the request is limited
     */
    public Decision check(List<Descriptor> requestDescriptors, double enabledRoll, double enforcedRoll) {
        if (!config.filterEnabled().includes(enabledRoll)) {
            return Decision.NOT_ENABLED;
        }
        Candidate[] matched = matches(requestDescriptors);
        int n = matched == null ? 0 : count(matched);
        for (int i = 0; i < n; i++) {
            if (!matched[i].bucket.tryConsume()) {
                return limited(matched[i], enforcedRoll);
            }
        }
        if (defaultBucket != null && (n == 0 || config.alwaysConsumeDefaultTokenBucket())) {
            if (!defaultBucket.bucket.tryConsume()) {
                return limited(defaultBucket, enforcedRoll);
            }
            if (n == 0) {
                return defaultBucket.allowed;
            }
        }
        return n == 0 ? ALLOWED_WITHOUT_BUCKET : matched[0].allowed;
    }

    /** The number of buckets a wildcard descriptor keeps now; for tests and the admin page. */
    public int dynamicBucketCount(Descriptor wildcard) {
        for (DynamicBuckets w : wildcards) {
            if (w.descriptor().equals(wildcard)) {
                return w.size();
            }
        }
        throw new IllegalArgumentException(wildcard + " is not a configured wildcard descriptor");
    }

    private Decision limited(Candidate refusing, double enforcedRoll) {
        return config.filterEnforced().includes(enforcedRoll) ? refusing.limited : refusing.limitedNotEnforced;
    }

    /** The distinct candidates of the request's descriptors, slowest fill first; null when none. */
    private Candidate[] matches(List<Descriptor> requestDescriptors) {
        if (requestDescriptors.isEmpty() || (exact.isEmpty() && wildcards.length == 0)) {
            return null;
        }
        Candidate[] found = null;
        int n = 0;
        for (int i = 0; i < requestDescriptors.size(); i++) {
            Candidate c = candidate(requestDescriptors.get(i));
            if (c == null || contains(found, n, c.bucket)) {
                continue;
            }
            if (found == null) {
                found = new Candidate[requestDescriptors.size()];
            }
            // Insertion keeps equal fill rates in request order, like a stable sort.
            int at = n++;
            while (at > 0 && found[at - 1].fillRate > c.fillRate) {
                found[at] = found[at - 1];
                at--;
            }
            found[at] = c;
        }
        return found;
    }

    /** The exact descriptor's bucket, else the first wildcard descriptor's (in configuration order) that covers it. */
    private Candidate candidate(Descriptor request) {
        Candidate c = exact.get(request);
        if (c != null) {
            return c;
        }
        for (DynamicBuckets w : wildcards) {
            if (w.covers(request)) {
                return w.candidateFor(request);
            }
        }
        return null;
    }

    private static boolean contains(Candidate[] found, int n, TokenBucket bucket) {
        for (int i = 0; i < n; i++) {
            if (found[i].bucket == bucket) {
                return true;
            }
        }
        return false;
    }

    private static int count(Candidate[] found) {
        int n = 0;
        while (n < found.length && found[n] != null) {
            n++;
        }
        return n;
    }
}
