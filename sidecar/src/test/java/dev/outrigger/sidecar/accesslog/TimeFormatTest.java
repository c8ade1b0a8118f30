package dev.outrigger.sidecar.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimeFormatTest {

    private static String format(String pattern, long millis) throws InvalidFormatException {
        StringBuilder out = new StringBuilder();
        TimeFormat.compile(pattern).append(millis, out);
        return out.toString();
    }

    @Test
    void theDefaultIsIsoWithMillisecondsInUtc() throws Exception {
        long t = Instant.parse("2024-02-29T23:59:59.007Z").toEpochMilli();
        assertEquals("2024-02-29T23:59:59.007Z", format(TimeFormat.DEFAULT, t));
    }

    @Test
    void everySpecifier() throws Exception {
        long t = Instant.parse("2009-07-05T04:03:02.123Z").toEpochMilli();
        assertEquals("2009 09 07 05  5 04 03 02 1246766582", format("%Y %y %m %d %e %H %M %S %s", t));
        assertEquals("123000000 1 12 123 123000 123000000", format("%9f %1f %2f %3f %6f %f", t));
        assertEquals("+0000 UTC Sun Sunday Jul July 2009-07-05 04:03:02 100%",
                format("%z %Z %a %A %b %B %F %T 100%%", t));
    }

    @Test
    void fractionsPadWithZerosPastMilliseconds() throws Exception {
        long t = Instant.parse("2020-01-01T00:00:00.050Z").toEpochMilli();
        assertEquals("050 0 05 050000 050000000", format("%3f %1f %2f %6f %9f", t));
    }

    @Test
    void datesMatchJavaTimeOverFiveCenturies() throws Exception {
        DateTimeFormatter iso = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS EEE MMM", Locale.ROOT)
                .withZone(ZoneOffset.UTC);
        SplittableRandom random = new SplittableRandom(42);
        long from = LocalDate.of(1800, 1, 1).toEpochDay() * 86_400_000L;
        long to = LocalDate.of(2300, 12, 31).toEpochDay() * 86_400_000L;
        for (int i = 0; i < 20_000; i++) {
            long t = random.nextLong(from, to);
            assertEquals(iso.format(Instant.ofEpochMilli(t)), format("%Y-%m-%dT%H:%M:%S.%3f %a %b", t), "at " + t);
        }
        for (long day = LocalDate.of(1999, 12, 1).toEpochDay(); day < LocalDate.of(2001, 3, 31).toEpochDay(); day++) {
            LocalDate date = LocalDate.ofEpochDay(day);
            long civil = TimeFormat.civil(day);
            assertEquals(date.getYear(), civil >> 9, date.toString());
            assertEquals(date.getMonthValue(), (civil >> 5) & 0xf, date.toString());
            assertEquals(date.getDayOfMonth(), civil & 0x1f, date.toString());
        }
    }

    @Test
    void beforeTheEpoch() throws Exception {
        assertEquals("1969-12-31T23:59:59.999Z", format(TimeFormat.DEFAULT, -1));
    }
}
