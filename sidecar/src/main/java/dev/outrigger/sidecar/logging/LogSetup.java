package dev.outrigger.sidecar.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Outrigger's logging: one line per event on stderr, level from {@code OUTRIGGER_LOG_LEVEL}
 * (default {@code INFO}), Netty at {@code WARN}. Set up in code, found by logback through the
 * service loader, because reading an XML file costs a good part of a second at start.
 *
 * <p>An explicit {@code -Dlogback.configurationFile}, or a {@code logback-test.xml} on the
 * class path, still wins: this configurator then steps aside for logback's own.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    /** The layout of a log line. */
    public static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0}: %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        install(context, level(System.getenv("OUTRIGGER_LOG_LEVEL")));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sends {@code context}'s events at {@code rootLevel} and above to stderr, Netty's at WARN. */
    static void install(LoggerContext context, Level rootLevel) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel);
        root.addAppender(stderr);
        context.getLogger("io.netty").setLevel(Level.WARN);
    }

    /** The level named by {@code value}, case-insensitive; INFO when unset or unknown. */
    static Level level(String value) {
        return value == null || value.isBlank() ? Level.INFO : Level.toLevel(value.trim(), Level.INFO);
    }
}
