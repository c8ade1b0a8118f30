package dev.outrigger.sidecar.config;

import dev.outrigger.sidecar.accesslog.AccessLogFilter;
import dev.outrigger.sidecar.accesslog.ResponseFlags;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter.FilterSpecifierCase;
import io.envoyproxy.envoy.config.accesslog.v3.ComparisonFilter;
import io.envoyproxy.envoy.config.accesslog.v3.ResponseFlagFilter;
import io.envoyproxy.envoy.config.core.v3.RuntimeUInt32;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Translates an access log's {@code filter}: {@code status_code_filter},
 * {@code duration_filter}, {@code not_health_check_filter}, {@code response_flag_filter} (Envoy
 * flags or Outrigger reason codes), {@code and_filter} and {@code or_filter}. The other kinds
 * are rejected naming the field.
 */
final class AccessLogFilterTranslator {

    private AccessLogFilterTranslator() {
    }

    static AccessLogFilter translate(io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter filter, FieldPath path)
            throws ResourceInvalidException {
        FilterSpecifierCase kind = filter.getFilterSpecifierCase();
        return switch (kind) {
            case STATUS_CODE_FILTER -> {
                FieldPath at = path.field("status_code_filter");
                FieldCheck.only(filter.getStatusCodeFilter(), at, "comparison");
                ComparisonFilter c = filter.getStatusCodeFilter().getComparison();
                yield new AccessLogFilter.StatusCode(op(c, at.field("comparison")),
                        (int) Math.min(value(c, at.field("comparison")), Integer.MAX_VALUE));
            }
            case DURATION_FILTER -> {
                FieldPath at = path.field("duration_filter");
                FieldCheck.only(filter.getDurationFilter(), at, "comparison");
                ComparisonFilter c = filter.getDurationFilter().getComparison();
                yield new AccessLogFilter.Duration(op(c, at.field("comparison")), value(c, at.field("comparison")));
            }
            case NOT_HEALTH_CHECK_FILTER -> new AccessLogFilter.NotHealthCheck();
            case RESPONSE_FLAG_FILTER -> responseFlags(filter.getResponseFlagFilter(),
                    path.field("response_flag_filter"));
            case AND_FILTER -> new AccessLogFilter.And(all(filter.getAndFilter().getFiltersList(),
                    path.field("and_filter").field("filters")));
            case OR_FILTER -> new AccessLogFilter.Or(all(filter.getOrFilter().getFiltersList(),
                    path.field("or_filter").field("filters")));
            case FILTERSPECIFIER_NOT_SET -> throw path.invalid("required: one filter kind (status_code_filter, "
                    + "duration_filter, not_health_check_filter, response_flag_filter, and_filter, or_filter)");
            default -> throw path.field(kind.name().toLowerCase(java.util.Locale.ROOT)).invalid(
                    "not supported (supported: status_code_filter, duration_filter, not_health_check_filter, "
                            + "response_flag_filter, and_filter, or_filter)");
        };
    }

    private static AccessLogFilter.Op op(ComparisonFilter c, FieldPath path) throws ResourceInvalidException {
        return switch (c.getOp()) {
            case EQ -> AccessLogFilter.Op.EQ;
            case GE -> AccessLogFilter.Op.GE;
            case LE -> AccessLogFilter.Op.LE;
            default -> throw path.field("op").invalid("unknown value " + c.getOpValue() + " (EQ, GE or LE)");
        };
    }

    /**
     * The comparison's {@code value.default_value}: Outrigger has no runtime, so the
     * {@code runtime_key} (which Envoy requires) names a value that is never there.
     */
    private static long value(ComparisonFilter c, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(c, path, "op", "value");
        if (!c.hasValue()) {
            throw path.field("value").invalid("required");
        }
        RuntimeUInt32 value = c.getValue();
        FieldCheck.only(value, path.field("value"), "default_value", "runtime_key");
        return Integer.toUnsignedLong(value.getDefaultValue());
    }

    private static AccessLogFilter responseFlags(ResponseFlagFilter filter, FieldPath path)
            throws ResourceInvalidException {
        FieldCheck.only(filter, path, "flags");
        Set<String> codes = new LinkedHashSet<>();
        for (int i = 0; i < filter.getFlagsCount(); i++) {
            String flag = filter.getFlags(i);
            Set<String> selected = ResponseFlags.reasonCodes(flag);
            if (selected == null) {
                throw path.field("flags").index(i).invalid("\"" + flag + "\" is not a flag Outrigger sets: give an "
                        + "Envoy flag with an Outrigger equivalent (" + String.join(", ", ResponseFlags.envoyFlags())
                        + ") or an Outrigger reason code such as rbac_denied (docs/observability.md lists them)");
            }
            codes.addAll(selected);
        }
        return new AccessLogFilter.ResponseFlag(codes);
    }

    private static List<AccessLogFilter> all(List<io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter> filters,
            FieldPath path) throws ResourceInvalidException {
        if (filters.size() < 2) {
            throw path.invalid("needs at least 2 filters, as in Envoy (got " + filters.size() + ")");
        }
        List<AccessLogFilter> out = new ArrayList<>(filters.size());
        for (int i = 0; i < filters.size(); i++) {
            out.add(translate(filters.get(i), path.index(i)));
        }
        return out;
    }
}
