package dev.outrigger.sidecar.config;

import com.google.protobuf.Any;
import com.google.protobuf.Internal;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import dev.outrigger.xds.FieldPath;
import dev.outrigger.xds.ResourceInvalidException;
import java.time.Duration;

/** Conversions of protobuf values shared by the translators, each rejecting what does not fit. */
final class ConfigValues {

    private ConfigValues() {
    }

    /** A duration that may be zero (often "disabled") but not negative. */
    static Duration nonNegative(com.google.protobuf.Duration value, FieldPath path) throws ResourceInvalidException {
        Duration d = Duration.ofSeconds(value.getSeconds(), value.getNanos());
        if (d.isNegative()) {
            throw path.invalid("must not be negative, got " + format(d));
        }
        return d;
    }

    /** A duration that must be greater than zero. */
    static Duration positive(com.google.protobuf.Duration value, FieldPath path) throws ResourceInvalidException {
        Duration d = nonNegative(value, path);
        if (d.isZero()) {
            throw path.invalid("must be greater than 0");
        }
        return d;
    }

    /**
     * A uint32 count as an int. Envoy configs commonly say 4294967295 for "no limit", which does
     * not fit an int, so values above {@link Integer#MAX_VALUE} become that.
     */
    static int count(UInt32Value value) {
        return (int) Math.min(Integer.toUnsignedLong(value.getValue()), Integer.MAX_VALUE);
    }

    /** The message in {@code any}, which must be of {@code type}. */
    static <T extends Message> T unpack(Any any, Class<T> type, FieldPath path) throws ResourceInvalidException {
        String expected = Internal.getDefaultInstance(type).getDescriptorForType().getFullName();
        if (!any.is(type)) {
            throw path.invalid("expected " + expected + ", got " + typeName(any));
        }
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw path.invalid("cannot decode " + expected + ": " + e.getMessage());
        }
    }

    /** The full message name in an {@code Any}'s type URL. */
    static String typeName(Any any) {
        String url = any.getTypeUrl();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** A duration the way a config file spells it ({@code 1.5s}). */
    static String format(Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        String fraction = d.toNanosPart() == 0
                ? ""
                : "." + String.format("%09d", d.toNanosPart()).replaceAll("0+$", "");
        return d.toSeconds() + fraction + "s";
    }
}
