package dev.outrigger.sidecar.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class LogSetupTest {

    @Test
    void levelNamesAreCaseInsensitiveAndUnknownOnesMeanInfo() {
        assertEquals(Level.DEBUG, LogSetup.level("debug"));
        assertEquals(Level.WARN, LogSetup.level(" WARN "));
        assertEquals(Level.TRACE, LogSetup.level("trace"));
        assertEquals(Level.INFO, LogSetup.level(null));
        assertEquals(Level.INFO, LogSetup.level(""));
        assertEquals(Level.INFO, LogSetup.level("loud"));
    }

    @Test
    void installsOneStderrAppenderWithTheRootLevelAndNettyAtWarn() {
        LoggerContext context = new LoggerContext();
        LogSetup.install(context, Level.DEBUG);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.DEBUG, root.getLevel());
        assertEquals(Level.WARN, context.getLogger("io.netty.channel").getEffectiveLevel());
        assertEquals(Level.DEBUG, context.getLogger("dev.outrigger.sidecar.Sidecar").getEffectiveLevel());
        ConsoleAppender<?> appender = assertInstanceOf(ConsoleAppender.class, root.getAppender("STDERR"));
        assertTrue(appender.isStarted());
        assertEquals("System.err", appender.getTarget());
        context.stop();
    }

    @Test
    void logbackFindsItThroughTheServiceLoader() {
        assertTrue(ServiceLoader.load(Configurator.class).stream()
                .anyMatch(provider -> provider.type() == LogSetup.class));
    }

    @Test
    void stepsAsideWhenALogbackTestFileIsOnTheClassPath() {
        // The test class path has logback-test.xml; an explicit file is honoured the same way.
        LogSetup setup = new LogSetup();
        LoggerContext context = new LoggerContext();
        setup.setContext(context);
        assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, setup.configure(context));
        assertNull(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR"));
    }
}
