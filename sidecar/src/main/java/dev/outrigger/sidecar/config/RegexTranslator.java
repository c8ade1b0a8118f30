package dev.outrigger.sidecar.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.outrigger.sidecar.route.HeaderNames;
import dev.outrigger.sidecar.route.PathRewrite;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;

/** Compiles Envoy's RE2 regex messages with re2j, which accepts the same syntax. */
final class RegexTranslator {

    private RegexTranslator() {
    }

    /** Compiles a {@code RegexMatcher} found at {@code path}. */
    @SuppressWarnings("deprecation") // google_re2 is deprecated but still sent, as an empty message
    static Pattern compile(RegexMatcher matcher, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(matcher, path, "regex", "google_re2");
        if (matcher.hasGoogleRe2()) {
            // deprecated and empty in practice; its only field (max_program_size) is not supported
            FieldCheck.only(matcher.getGoogleRe2(), path.field("google_re2"));
        }
        String regex = matcher.getRegex();
        FieldPath at = path.field("regex");
        if (regex.isEmpty()) {
            throw at.invalid("regex must not be empty");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw at.invalid("invalid RE2 regex \"" + regex + "\": " + e.getDescription());
        }
    }

    /** Translates a {@code regex_rewrite} found at {@code path}. */
    static PathRewrite regexRewrite(RegexMatchAndSubstitute rewrite, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(rewrite, path, "pattern", "substitution");
        if (!rewrite.hasPattern()) {
            throw path.field("pattern").invalid("is required");
        }
        Pattern pattern = compile(rewrite.getPattern(), path.field("pattern"));
        String substitution = rewrite.getSubstitution();
        if (!HeaderNames.isValidValue(substitution)) {
            throw path.field("substitution").invalid("must not contain CR, LF or NUL");
        }
        try {
            return new PathRewrite.RegexReplace(pattern, substitution);
        } catch (IllegalArgumentException e) {
            throw path.field("substitution").invalid(e.getMessage());
        }
    }
}
