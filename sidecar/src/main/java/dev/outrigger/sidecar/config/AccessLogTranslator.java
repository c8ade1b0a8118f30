package dev.outrigger.sidecar.config;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.outrigger.sidecar.accesslog.AccessLogConfig;
import dev.outrigger.sidecar.accesslog.AccessLogFilter;
import dev.outrigger.sidecar.accesslog.AccessLogTarget;
import dev.outrigger.sidecar.accesslog.InvalidFormatException;
import dev.outrigger.sidecar.accesslog.JsonFormat;
import dev.outrigger.sidecar.accesslog.LogFormat;
import dev.outrigger.sidecar.accesslog.Template;
import dev.outrigger.sidecar.accesslog.TextFormat;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StderrAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates the {@code access_log} list of an HTTP connection manager or TCP proxy: loggers
 * {@code FileAccessLog}, {@code StdoutAccessLog} and {@code StderrAccessLog}, each with a
 * {@code log_format} (a format string or a JSON object; Envoy's default format when absent) and
 * an optional {@code filter}. Every command operator is compiled here, so a format Outrigger
 * cannot print is a NACK naming it, never a line of garbage.
 */
final class AccessLogTranslator {

    private static final String FILE = FileAccessLog.getDescriptor().getFullName();
    private static final String STDOUT = StdoutAccessLog.getDescriptor().getFullName();
    private static final String STDERR = StderrAccessLog.getDescriptor().getFullName();

    private AccessLogTranslator() {
    }

    /** Translates {@code logs}, the repeated field at {@code path}. */
    static List<AccessLogConfig> translate(List<AccessLog> logs, FieldPath path)
            throws ResourceInvalidException {
        List<AccessLogConfig> out = new ArrayList<>(logs.size());
        for (int i = 0; i < logs.size(); i++) {
            out.add(accessLog(logs.get(i), path.index(i)));
        }
        return List.copyOf(out);
    }

    private static AccessLogConfig accessLog(AccessLog log, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(log, path, "name", "filter", "typed_config");
        if (!log.hasTypedConfig()) {
            throw path.field("typed_config").invalid("required: a " + FILE + ", " + STDOUT + " or " + STDERR);
        }
        AccessLogFilter filter = log.hasFilter()
                ? AccessLogFilterTranslator.translate(log.getFilter(), path.field("filter"))
                : null;
        Any any = log.getTypedConfig();
        FieldPath at = path.field("typed_config");
        String type = ConfigValues.typeName(any);
        if (type.equals(FILE)) {
            FileAccessLog file = ConfigValues.unpack(any, FileAccessLog.class, at);
            FieldCheck.only(file, at, "path", "log_format");
            return new AccessLogConfig(log.getName(), filter, target(file.getPath(), at.field("path")),
                    file.hasLogFormat() ? format(file.getLogFormat(), at.field("log_format")) : TextFormat.ENVOY_DEFAULT);
        }
        if (type.equals(STDOUT)) {
            StdoutAccessLog stdout = ConfigValues.unpack(any, StdoutAccessLog.class, at);
            FieldCheck.only(stdout, at, "log_format");
            return new AccessLogConfig(log.getName(), filter, AccessLogTarget.STDOUT,
                    stdout.hasLogFormat() ? format(stdout.getLogFormat(), at.field("log_format"))
                            : TextFormat.ENVOY_DEFAULT);
        }
        if (type.equals(STDERR)) {
            StderrAccessLog stderr = ConfigValues.unpack(any, StderrAccessLog.class, at);
            FieldCheck.only(stderr, at, "log_format");
            return new AccessLogConfig(log.getName(), filter, AccessLogTarget.STDERR,
                    stderr.hasLogFormat() ? format(stderr.getLogFormat(), at.field("log_format"))
                            : TextFormat.ENVOY_DEFAULT);
        }
        throw at.invalid(type + " is not supported (access loggers: " + FILE + ", " + STDOUT + ", " + STDERR + ")");
    }

    private static AccessLogTarget target(String file, FieldPath path) throws ResourceInvalidException {
        if (file.isEmpty()) {
            throw path.invalid("required: the file to append to (or /dev/stdout)");
        }
        try {
            return AccessLogTarget.file(Path.of(file));
        } catch (InvalidPathException e) {
            throw path.invalid("not a file name: " + e.getReason());
        }
    }

    /** Translates a {@code SubstitutionFormatString} at {@code path}. */
    @SuppressWarnings("deprecation") // text_format is deprecated but older control planes still send it
    static LogFormat format(SubstitutionFormatString format, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(format, path, "text_format", "text_format_source", "json_format", "omit_empty_values");
        boolean omit = format.getOmitEmptyValues();
        return switch (format.getFormatCase()) {
            case TEXT_FORMAT -> TextFormat.of(template(format.getTextFormat(), path.field("text_format")), omit);
            case TEXT_FORMAT_SOURCE -> TextFormat.of(template(inline(format.getTextFormatSource(),
                    path.field("text_format_source")), path.field("text_format_source")), omit);
            case JSON_FORMAT -> JsonFormat.of(json(format.getJsonFormat(), path.field("json_format")), omit);
            default -> throw path.invalid("required: text_format_source (a format string) or json_format");
        };
    }

    private static String inline(DataSource source, FieldPath path) throws ResourceInvalidException {
        FieldCheck.only(source, path, "inline_string", "inline_bytes", "filename");
        return switch (source.getSpecifierCase()) {
            case INLINE_STRING -> source.getInlineString();
            case INLINE_BYTES -> source.getInlineBytes().toString(StandardCharsets.UTF_8);
            case FILENAME -> throw path.field("filename").invalid(
                    "not supported: give the format inline (inline_string)");
            default -> throw path.invalid("required: inline_string");
        };
    }

    private static Template template(String source, FieldPath path) throws ResourceInvalidException {
        if (source.isEmpty()) {
            throw path.invalid("empty: give a format string, or leave log_format out for Envoy's default");
        }
        try {
            return Template.parse(source);
        } catch (InvalidFormatException e) {
            throw path.invalid(e.getMessage());
        }
    }

    private static Map<String, Object> json(Struct struct, FieldPath path) throws ResourceInvalidException {
        if (struct.getFieldsCount() == 0) {
            throw path.invalid("empty: give at least one field");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Map.Entry<String, Value> field : struct.getFieldsMap().entrySet()) {
            FieldPath at = path.key(field.getKey());
            Value value = field.getValue();
            fields.put(field.getKey(), switch (value.getKindCase()) {
                case STRING_VALUE -> template(value.getStringValue(), at);
                case STRUCT_VALUE -> json(value.getStructValue(), at);
                case NUMBER_VALUE -> value.getNumberValue();
                case BOOL_VALUE -> value.getBoolValue();
                case NULL_VALUE -> null;
                default -> throw at.invalid("a list is not supported: give a format string or an object");
            });
        }
        return fields;
    }
}
