package dev.pop3raw.camel;

import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.support.PluginHelper;

/**
 * Binds the duration options onto a {@link Pop3RawConfiguration} bean, as in
 * {@code camel.component.pop3raw.configuration.inUseDelay=45s}: a nested property, which Camel binds with the
 * configurer it finds under the bean's class name ({@code META-INF/services/org/apache/camel/configurer/}, this one),
 * or else by reflection. By reflection the text would reach the option's {@code long} setter and be read as
 * milliseconds only ({@code 45s} and {@code PT0S} refused with a NumberFormatException, {@code garbage} with no word on
 * the option). Here it is checked as in a URI ({@link DurationOptions}, the same message) and read as the component's
 * own options are; every other option, and a value that is not text, is left to reflection ({@code false}).
 * Public for Camel's configurer lookup only.
 */
public final class ConfigurationDurations implements PropertyConfigurer {

    @Override
    public boolean configure(CamelContext camelContext, Object target, String name, Object value, boolean ignoreCase) {
        String option = DurationOptions.configurationOption(name);
        if (option == null || !(value instanceof String text)) {
            return false;
        }
        Duration duration = DurationOptions.read(camelContext, option, text);
        try {
            return PluginHelper.getBeanIntrospection(camelContext).setProperty(camelContext, target, option,
                    duration.toMillis());
        } catch (Exception e) {
            throw RuntimeCamelException.wrapRuntimeCamelException(e);
        }
    }
}
