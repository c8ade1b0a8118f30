package dev.outrigger.sidecar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/** One counter per response class (1xx..5xx), created up front so counting a response allocates nothing. */
final class ResponseClassCounters {

    private final Counter[] byClass = new Counter[6];

    ResponseClassCounters(MeterRegistry registry, String name, Tags tags) {
        for (int c = 1; c <= 5; c++) {
            byClass[c] = Counter.builder(name).tags(tags).tag(MeterNames.TAG_CLASS, c + "xx").register(registry);
        }
    }

    void count(int status) {
        int c = status / 100;
        byClass[c >= 1 && c <= 5 ? c : 5].increment();
    }
}
