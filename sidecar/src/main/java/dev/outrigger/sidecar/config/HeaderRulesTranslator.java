package dev.outrigger.sidecar.config;

import com.google.protobuf.BoolValue;
import dev.outrigger.sidecar.route.AppendAction;
import dev.outrigger.sidecar.route.HeaderAddition;
import dev.outrigger.sidecar.route.HeaderMutations;
import dev.outrigger.sidecar.route.HeaderNames;
import dev.outrigger.sidecar.route.HeaderRules;
import dev.outrigger.sidecar.route.HeaderTemplate;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Translates the four header lists ({@code request_headers_to_add}, {@code request_headers_to_remove},
 * {@code response_headers_to_add}, {@code response_headers_to_remove}) that route configurations,
 * virtual hosts and routes share.
 */
final class HeaderRulesTranslator {

    private HeaderRulesTranslator() {
    }

    /**
     * Translates one level's header lists; {@code path} is the message holding them.
     */
    static HeaderRules translate(List<HeaderValueOption> requestToAdd, List<String> requestToRemove,
            List<HeaderValueOption> responseToAdd, List<String> responseToRemove, FieldPath path)
            throws ResourceInvalidException {
        if (requestToAdd.isEmpty() && requestToRemove.isEmpty() && responseToAdd.isEmpty()
                && responseToRemove.isEmpty()) {
            return HeaderRules.NONE;
        }
        return new HeaderRules(
                mutations(requestToAdd, path.field("request_headers_to_add"),
                        requestToRemove, path.field("request_headers_to_remove")),
                mutations(responseToAdd, path.field("response_headers_to_add"),
                        responseToRemove, path.field("response_headers_to_remove")));
    }

    private static HeaderMutations mutations(List<HeaderValueOption> toAdd, FieldPath addPath,
            List<String> toRemove, FieldPath removePath) throws ResourceInvalidException {
        if (toAdd.isEmpty() && toRemove.isEmpty()) {
            return HeaderMutations.NONE;
        }
        List<String> removals = new ArrayList<>();
        for (int i = 0; i < toRemove.size(); i++) {
            removals.add(modifiableName(toRemove.get(i), removePath.index(i)));
        }
        return new HeaderMutations(removals, additions(toAdd, addPath));
    }

    /** Translates a list of {@code HeaderValueOption}s found at {@code path}. */
    static List<HeaderAddition> additions(List<HeaderValueOption> toAdd, FieldPath path)
            throws ResourceInvalidException {
        List<HeaderAddition> additions = new ArrayList<>(toAdd.size());
        for (int i = 0; i < toAdd.size(); i++) {
            additions.add(addition(toAdd.get(i), path.index(i)));
        }
        return additions;
    }

    private static HeaderAddition addition(HeaderValueOption option, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(option, path, "header", "append", "append_action", "keep_empty_value");
        if (!option.hasHeader()) {
            throw path.field("header").invalid("is required");
        }
        HeaderValue header = option.getHeader();
        FieldPath headerPath = path.field("header");
        FieldCheck.only(header, headerPath, "key", "value");
        String name = modifiableName(header.getKey(), headerPath.field("key"));
        String value = header.getValue();
        if (!HeaderNames.isValidValue(value)) {
            throw headerPath.field("value").invalid("must not contain CR, LF or NUL");
        }
        HeaderTemplate template;
        try {
            template = HeaderTemplate.parse(value);
        } catch (IllegalArgumentException e) {
            throw headerPath.field("value").invalid(e.getMessage());
        }
        return new HeaderAddition(name, template, appendAction(option, path), option.getKeepEmptyValue());
    }

    @SuppressWarnings("deprecation") // append is deprecated but still common; it maps onto append_action
    private static AppendAction appendAction(HeaderValueOption option, FieldPath path) throws ResourceInvalidException {
        if (option.hasAppend()) {
            BoolValue append = option.getAppend();
            FieldCheck.only(append, path.field("append"), "value");
            if (option.getAppendAction() != HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD) {
                throw path.field("append").invalid(
                        "append and append_action cannot both be set (append is deprecated; use append_action)");
            }
            return append.getValue() ? AppendAction.APPEND_IF_EXISTS_OR_ADD : AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
        }
        return switch (option.getAppendAction()) {
            case APPEND_IF_EXISTS_OR_ADD -> AppendAction.APPEND_IF_EXISTS_OR_ADD;
            case ADD_IF_ABSENT -> AppendAction.ADD_IF_ABSENT;
            case OVERWRITE_IF_EXISTS_OR_ADD -> AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
            case OVERWRITE_IF_EXISTS -> AppendAction.OVERWRITE_IF_EXISTS;
            default -> throw path.field("append_action").invalid(
                    "unknown value " + option.getAppendActionValue());
        };
    }

    private static String modifiableName(String name, FieldPath path) throws ResourceInvalidException {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.isEmpty()) {
            throw path.invalid("header name must not be empty");
        }
        String problem = HeaderNames.notModifiableReason(lower);
        if (problem != null) {
            throw path.invalid(problem);
        }
        return lower;
    }
}
