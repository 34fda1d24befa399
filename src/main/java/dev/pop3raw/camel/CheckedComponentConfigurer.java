package dev.pop3raw.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.GeneratedPropertyConfigurer;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.PropertyConfigurerGetter;

/**
 * The component's generated configurer, with its duration options checked as in a URI ({@link DurationOptions}) before
 * it binds them: {@code camel.component.pop3raw.inUseDelay=garbage} under camel-main, the component's properties bound
 * in Java or by a runtime. The generated configurer reads the text as a Duration, which Camel turns into zero when it
 * cannot read it, and stores milliseconds: by the time the component or its configuration sees the value, the text is
 * gone. Every binding of a component option by name goes through
 * {@link Pop3RawComponent#getComponentPropertyConfigurer()} (camel-main, {@code PropertyBindingSupport} on a component,
 * {@code DefaultComponent.setProperties}), so this is the earliest point where the text is still at hand; the generated
 * class itself cannot be changed (it is rewritten at each build).
 */
final class CheckedComponentConfigurer implements GeneratedPropertyConfigurer, PropertyConfigurerGetter {

    private final PropertyConfigurer generated;
    private final PropertyConfigurerGetter getter;

    /** @param generated the generated configurer, also a {@link PropertyConfigurerGetter} (its options' types) */
    CheckedComponentConfigurer(PropertyConfigurer generated) {
        this.generated = generated;
        this.getter = (PropertyConfigurerGetter) generated;
    }

    @Override
    public boolean configure(CamelContext camelContext, Object target, String name, Object value, boolean ignoreCase) {
        String option = DurationOptions.configurationOption(name);
        if (option != null && value instanceof String text) {
            DurationOptions.read(camelContext, option, text);
        }
        return generated.configure(camelContext, target, name, value, ignoreCase);
    }

    @Override
    public Class<?> getOptionType(String name, boolean ignoreCase) {
        return getter.getOptionType(name, ignoreCase);
    }

    @Override
    public Object getOptionValue(Object target, String name, boolean ignoreCase) {
        return getter.getOptionValue(target, name, ignoreCase);
    }

    @Override
    public Object getCollectionValueType(Object target, String name, boolean ignoreCase) {
        return getter.getCollectionValueType(target, name, ignoreCase);
    }

    @Override
    public String[] getAutowiredNames() {
        return getter.getAutowiredNames();
    }
}
