package dev.outrigger.sidecar.tls;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The log events of one logger while a test runs (at DEBUG when asked); close to stop capturing. */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level level;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String name, boolean debug) {
        logger = (Logger) LoggerFactory.getLogger(name);
        level = logger.getLevel();
        appender.start();
        if (debug) {
            logger.setLevel(Level.DEBUG);
        }
        logger.addAppender(appender);
    }

    /** Captures what {@code type}'s logger logs at its configured level. */
    public static LogCapture of(Class<?> type) {
        return new LogCapture(type.getName(), false);
    }

    /** Captures what the logger {@code name} logs at its configured level (for classes out of reach). */
    public static LogCapture named(String name) {
        return new LogCapture(name, false);
    }

    /** Captures everything the logger {@code name} logs, DEBUG included. */
    public static LogCapture debug(String name) {
        return new LogCapture(name, true);
    }

    /** The events so far. */
    public List<ILoggingEvent> events() {
        synchronized (appender.list) {
            return List.copyOf(appender.list);
        }
    }

    /** How many events so far: a mark to look after. */
    public int size() {
        return events().size();
    }

    /** Whether an event after {@code from} contains every one of {@code parts}. */
    public boolean anyAfter(int from, String... parts) {
        List<ILoggingEvent> all = events();
        for (ILoggingEvent e : all.subList(Math.min(from, all.size()), all.size())) {
            String message = e.getFormattedMessage();
            boolean matches = true;
            for (String part : parts) {
                matches &= message.contains(part);
            }
            if (matches) {
                return true;
            }
        }
        return false;
    }

    /** Whether any event contains every one of {@code parts}. */
    public boolean any(String... parts) {
        return anyAfter(0, parts);
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(level);
    }
}
