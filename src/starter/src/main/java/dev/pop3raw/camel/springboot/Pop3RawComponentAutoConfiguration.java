package dev.pop3raw.camel.springboot;

import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.ComponentConfigurationProperties;
import org.apache.camel.spring.boot.util.CamelPropertiesHelper;
import org.apache.camel.spring.boot.util.ConditionalOnCamelContextAndAutoConfigurationBeans;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.apache.camel.spring.boot.util.HierarchicalPropertiesEvaluator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Lazy;

import dev.pop3raw.camel.Pop3RawComponent;

/**
 * Applies {@code camel.component.pop3raw.*} to the {@code pop3raw} component when Camel creates it: a
 * {@link ComponentCustomizer} copies the options that are set ({@link Pop3RawComponentConfiguration}) onto the
 * component through its generated configurer, as camel-spring-boot's own starters do.
 * {@code camel.component.pop3raw.enabled=false} (or {@code camel.component.enabled=false}) turns it off, and so does
 * {@code camel.component.pop3raw.customizer.enabled=false}.
 */
@AutoConfiguration(after = { CamelAutoConfiguration.class, Pop3RawComponentConverter.class })
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@ConditionalOnHierarchicalProperties({ "camel.component", "camel.component.pop3raw" })
@EnableConfigurationProperties({ ComponentConfigurationProperties.class, Pop3RawComponentConfiguration.class })
public class Pop3RawComponentAutoConfiguration {

    private final ApplicationContext applicationContext;
    private final CamelContext camelContext;
    private final Pop3RawComponentConfiguration configuration;

    public Pop3RawComponentAutoConfiguration(ApplicationContext applicationContext, CamelContext camelContext,
            Pop3RawComponentConfiguration configuration) {
        this.applicationContext = applicationContext;
        this.camelContext = camelContext;
        this.configuration = configuration;
    }

    @Lazy
    @Bean
    public ComponentCustomizer configurePop3RawComponent() {
        return new ComponentCustomizer() {
            @Override
            public boolean isEnabled(String name, Component target) {
                return target instanceof Pop3RawComponent && HierarchicalPropertiesEvaluator.evaluate(applicationContext,
                        "camel.component.customizer", "camel.component.pop3raw.customizer");
            }

            @Override
            public void configure(String name, Component target) {
                // only the options that are set (non-null): the others keep the component's defaults
                CamelPropertiesHelper.copyProperties(camelContext, configuration, target);
            }
        };
    }
}
