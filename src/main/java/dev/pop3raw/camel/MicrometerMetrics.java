package dev.pop3raw.camel;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;

/**
 * The guard in front of {@link Pop3RawMeters}: Micrometer is an optional dependency, so this class names no Micrometer
 * type, and {@link Pop3RawMeters} (which does) is touched only once {@code io.micrometer.core.instrument.MeterRegistry}
 * was found. Without Micrometer on the class path, {@link #bind} does nothing and no Micrometer class is loaded.
 */
final class MicrometerMetrics {

    static final String METER_REGISTRY_CLASS = "io.micrometer.core.instrument.MeterRegistry";

    /** Whether Micrometer is on this class path; asked once. */
    static final boolean PRESENT = present();

    private MicrometerMetrics() {
    }

    private static boolean present() {
        try {
            Class.forName(METER_REGISTRY_CLASS, false, MicrometerMetrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Registers the counters and gauges in the context's MeterRegistry, when Micrometer is present and the registry
     * holds one (camel-micrometer's {@code metricsRegistry}, else the only MeterRegistry bound).
     *
     * @param  counters monotonic counts, by meter name (the JMX attribute's name)
     * @param  gauges   current values, by meter name
     * @return          what removes the meters again (at consumer stop); a no-op when nothing was registered
     */
    static AutoCloseable bind(CamelContext context, Map<String, String> tags, Map<String, Supplier<Number>> counters,
            Map<String, Supplier<Number>> gauges) {
        if (!PRESENT) {
            return () -> {
            };
        }
        return Pop3RawMeters.bind(context, tags, counters, gauges);
    }
}
