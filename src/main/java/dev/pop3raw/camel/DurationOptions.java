package dev.pop3raw.camel;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.UriParam;

/**
 * Refuses an unreadable duration option before it is bound, in an endpoint's URI ({@link #check}) and among the
 * component's options ({@link CheckedComponentConfigurer}; {@link ConfigurationDurations} for
 * {@code configuration.*}). Camel turns text it cannot read as a duration ({@code inUseDelay=garbage},
 * {@code confirmedKeyCacheTtl=-1d}, {@code readTimeout=5x}) into zero without a word, and
 * zero is a meaningful value for several options here (no delay, no TTL): the option would silently do something else
 * than its author meant. A value Camel converts to zero is accepted only when it is written as zero.
 */
final class DurationOptions {

    /** Zero as users write it: {@code 0}, {@code 0ms}, {@code 0s}, {@code PT0S}, {@code P0D}. */
    private static final Pattern ZERO = Pattern.compile("0+\\s*[a-z]*|p(t)?0+[a-z]");

    /** The names of the endpoint's options whose type is a duration, read from their {@code @UriParam}. */
    static final Set<String> NAMES = durationOptions(Pop3RawEndpoint.class, Pop3RawConfiguration.class);

    /** Those of them the component's {@code configuration} has too: the component options to check. */
    static final Set<String> CONFIGURATION_NAMES = durationOptions(Pop3RawConfiguration.class);

    private DurationOptions() {
    }

    /** Fails naming the option when one of {@code parameters} is a duration option Camel would read as zero by mistake. */
    static void check(CamelContext context, Map<String, Object> parameters) {
        for (Map.Entry<String, Object> p : parameters.entrySet()) {
            if (p.getValue() instanceof String text && NAMES.contains(p.getKey())) {
                read(context, p.getKey(), text);
            }
        }
    }

    /**
     * The duration option of the component's configuration that {@code name} names, in any case (property binding may
     * pass it in lower case), or null when it names none.
     */
    static String configurationOption(String name) {
        return CONFIGURATION_NAMES.stream().filter(option -> option.equalsIgnoreCase(name)).findFirst().orElse(null);
    }

    /** The duration {@code text} denotes; fails naming {@code option} when Camel would read it as zero by mistake. */
    static Duration read(CamelContext context, String option, String text) {
        Duration read;
        try {
            read = context.getTypeConverter().mandatoryConvertTo(Duration.class, text.trim());
        } catch (Exception e) {
            throw unreadable(option, text);
        }
        if (read == null || read.isNegative()
                || read.isZero() && !ZERO.matcher(text.trim().toLowerCase(Locale.ROOT)).matches()) {
            throw unreadable(option, text);
        }
        return read;
    }

    private static IllegalArgumentException unreadable(String option, String text) {
        return new IllegalArgumentException("pop3raw: " + option + "=" + text + " is not a duration; write milliseconds"
                + " (60000), Camel's form (1h30m, 45s, 500ms) or ISO-8601 (PT1M30S)");
    }

    private static Set<String> durationOptions(Class<?>... types) {
        Set<String> names = new TreeSet<>();
        for (Class<?> type : types) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    UriParam param = field.getAnnotation(UriParam.class);
                    if (param != null && Duration.class.getName().equals(param.javaType())) {
                        names.add(param.name().isEmpty() ? field.getName() : param.name());
                    }
                }
            }
        }
        return Set.copyOf(names);
    }
}
