package dev.outrigger.sidecar.accesslog;

/**
 * Envoy's {@code text_format_source}: a format string printed as is, with {@code -} for a value
 * that is missing or empty ({@code ""} with {@code omit_empty_values}). As in Envoy the string
 * must carry its own {@code \n}; nothing is added.
 */
public final class TextFormat implements LogFormat {

    /** Envoy's default format string, used when an access log gives none. */
    public static final String ENVOY_DEFAULT_SOURCE = "[%START_TIME%] \"%REQ(:METHOD)% "
            + "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% "
            + "%BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" "
            + "\"%REQ(USER-AGENT)%\" \"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\"\n";

    /** The format of an access log that gives none. */
    public static final TextFormat ENVOY_DEFAULT = defaultFormat();

    private final Template template;
    private final boolean omitEmptyValues;

    private TextFormat(Template template, boolean omitEmptyValues) {
        this.template = template;
        this.omitEmptyValues = omitEmptyValues;
    }

    /** A text format; {@code omitEmptyValues} prints a missing value as nothing instead of {@code -}. */
    public static TextFormat of(Template template, boolean omitEmptyValues) {
        return new TextFormat(template, omitEmptyValues);
    }

    private static TextFormat defaultFormat() {
        try {
            return of(Template.parse(ENVOY_DEFAULT_SOURCE), false);
        } catch (InvalidFormatException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public void format(AccessLogEntry entry, StringBuilder out) {
        template.appendText(entry, out, omitEmptyValues ? "" : "-");
    }

    /** The compiled format string. */
    public Template template() {
        return template;
    }

    /** Whether missing values print as nothing. */
    public boolean omitEmptyValues() {
        return omitEmptyValues;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TextFormat t && t.template.equals(template) && t.omitEmptyValues == omitEmptyValues;
    }

    @Override
    public int hashCode() {
        return template.hashCode() * 31 + Boolean.hashCode(omitEmptyValues);
    }

    @Override
    public String toString() {
        return "text " + template.source();
    }
}
