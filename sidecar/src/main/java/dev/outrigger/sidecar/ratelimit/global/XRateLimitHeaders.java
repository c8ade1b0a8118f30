package dev.outrigger.sidecar.ratelimit.global;

import dev.outrigger.sidecar.ratelimit.RateLimitHeaders;
import java.util.List;
import java.util.Objects;

/**
 * The values of {@code x-ratelimit-limit}, {@code -remaining} and {@code -reset} that Envoy's global
 * rate limit filter derives from the descriptor statuses with {@code enable_x_ratelimit_headers:
 * DRAFT_VERSION_03}. The status that decides is the one with the fewest requests remaining among
 * those with a current limit (the first of them on a tie); statuses without a limit are ignored.
 * <ul>
 *   <li>limit: the deciding status's {@code requests_per_unit}, then for every status with a limit
 *       whose unit has a window, {@code ", <requests_per_unit>;w=<window seconds>"} and, for a named
 *       limit, {@code ;name="<name>"}: e.g. {@code 10, 10;w=1;name="per-ip", 1000;w=3600}</li>
 *   <li>remaining: the deciding status's {@code limit_remaining}</li>
 *   <li>reset: the whole seconds of its {@code duration_until_reset} (truncated, 0 when unknown)</li>
 * </ul>
 *
 * @param limit the value of {@code x-ratelimit-limit}
 * @param remaining the value of {@code x-ratelimit-remaining}
 * @param reset the value of {@code x-ratelimit-reset}
 */
public record XRateLimitHeaders(String limit, String remaining, String reset) {

    /** {@code x-ratelimit-limit}. */
    public static final String LIMIT = RateLimitHeaders.LIMIT;
    /** {@code x-ratelimit-remaining}. */
    public static final String REMAINING = RateLimitHeaders.REMAINING;
    /** {@code x-ratelimit-reset}. */
    public static final String RESET = RateLimitHeaders.RESET;

    public XRateLimitHeaders {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(remaining, "remaining");
        Objects.requireNonNull(reset, "reset");
    }

    /** The header values for {@code statuses}, or null when no status has a current limit (then no header is added). */
    public static XRateLimitHeaders from(List<DescriptorStatus> statuses) {
        DescriptorStatus deciding = null;
        StringBuilder policies = new StringBuilder();
        for (DescriptorStatus s : statuses) {
            CurrentLimit limit = s.currentLimit();
            if (limit == null) {
                continue;
            }
            if (deciding == null || s.limitRemaining() < deciding.limitRemaining()) {
                deciding = s;
            }
            if (limit.unit().seconds() == 0) {
                continue;
            }
            policies.append(", ").append(limit.requestsPerUnit()).append(";w=").append(limit.unit().seconds());
            if (!limit.name().isEmpty()) {
                // Quoted as is, as Envoy does; a limit's name comes from the service's configuration.
                policies.append(";name=\"").append(limit.name()).append('"');
            }
        }
        if (deciding == null) {
            return null;
        }
        long reset = deciding.durationUntilReset() == null ? 0 : deciding.durationUntilReset().getSeconds();
        return new XRateLimitHeaders(deciding.currentLimit().requestsPerUnit() + policies.toString(),
                Long.toString(deciding.limitRemaining()), Long.toString(reset));
    }
}
