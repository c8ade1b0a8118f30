package dev.outrigger.sidecar.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT into a graceful drain. A handler replaces the JVM's default (which
 * would run shutdown hooks and exit 143 at once), so the process can finish its requests and
 * exit 0, as orchestrators expect of a clean stop.
 */
final class Signals {

    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    static void onTerminate(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                    log.info("SIG{} received", name);
                    action.run();
                });
            } catch (IllegalArgumentException e) {
                log.warn("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
    }
}
