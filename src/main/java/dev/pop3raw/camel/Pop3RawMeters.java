package dev.pop3raw.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The Micrometer binding; loaded only through {@link MicrometerMetrics} once Micrometer was found on the class path.
 * Meter names are {@code pop3raw.} followed by the JMX attribute's name; tags {@code mailbox} and {@code routeId}.
 */
final class Pop3RawMeters {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3RawMeters.class);

    /** The name camel-micrometer binds its registry under (MicrometerConstants.METRICS_REGISTRY_NAME). */
    static final String CAMEL_MICROMETER_REGISTRY = "metricsRegistry";

    private Pop3RawMeters() {
    }

    static AutoCloseable bind(CamelContext context, Map<String, String> tags, Map<String, Supplier<Number>> counters,
            Map<String, Supplier<Number>> gauges) {
        MeterRegistry registry = registry(context);
        if (registry == null) {
            return () -> {
            };
        }
        Tags t = Tags.empty();
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            t = t.and(tag.getKey(), tag.getValue());
        }
        List<Meter> meters = new ArrayList<>();
        for (Map.Entry<String, Supplier<Number>> c : counters.entrySet()) {
            Supplier<Number> value = c.getValue();
            meters.add(FunctionCounter.builder("pop3raw." + c.getKey(), value, v -> v.get().doubleValue())
                    .tags(t).baseUnit(c.getKey().startsWith("Bytes") ? "bytes" : null)
                    .description("pop3raw JMX attribute " + c.getKey())
                    .register(registry));
        }
        for (Map.Entry<String, Supplier<Number>> g : gauges.entrySet()) {
            Supplier<Number> value = g.getValue();
            meters.add(Gauge.builder("pop3raw." + g.getKey(), value, v -> v.get().doubleValue())
                    .tags(t).description("pop3raw JMX attribute " + g.getKey()).strongReference(true)
                    .register(registry));
        }
        LOG.debug("pop3raw: {} meters registered in {} for {}", meters.size(), registry, tags);
        return new Binding(registry, meters, List.of(counters, gauges));
    }

    /**
     * The registered meters, removed by {@link #close}. Micrometer holds a function counter's supplier weakly: the
     * binding, kept by the consumer while it runs, holds the suppliers strongly ({@code suppliers}).
     */
    private record Binding(MeterRegistry registry, List<Meter> meters, List<Object> suppliers)
            implements
                AutoCloseable {
        @Override
        public void close() {
            meters.forEach(registry::remove);
        }
    }

    /** camel-micrometer's registry by its name, else the only MeterRegistry bound; null when there is none. */
    private static MeterRegistry registry(CamelContext context) {
        MeterRegistry named = context.getRegistry().lookupByNameAndType(CAMEL_MICROMETER_REGISTRY,
                MeterRegistry.class);
        if (named != null) {
            return named;
        }
        Set<MeterRegistry> all = context.getRegistry().findByType(MeterRegistry.class);
        if (all.size() > 1) {
            LOG.info("pop3raw: {} MeterRegistry beans and none named {}: no pop3raw meters", all.size(),
                    CAMEL_MICROMETER_REGISTRY);
        }
        return all.size() == 1 ? all.iterator().next() : null;
    }
}
