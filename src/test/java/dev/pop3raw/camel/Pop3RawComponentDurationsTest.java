package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.ToLongFunction;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.support.PropertyBindingSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The duration options set on the component, not in a URI, are refused as in a URI when Camel would read them as zero
 * by mistake (Pop3RawStartValidationTest has the URI's rule): under camel-main ({@code camel.component.pop3raw.*}, the
 * flat options and the nested {@code configuration.*}) the application does not start; bound in Java, the binding
 * fails. The message names the option and the text. What users write for a duration binds, nested too.
 */
class Pop3RawComponentDurationsTest {

    private static final String COMPONENT = "camel.component.pop3raw.";

    // ---------------------------------------------------------------- camel-main: camel.component.pop3raw.*

    @ParameterizedTest
    @ValueSource(strings = {"inUseDelay=garbage", "confirmedKeyCacheTtl=-1d", "readTimeout=5x", "claimTimeout=-5s",
            "connectTimeout=1.5s", "confirmedKeyCacheTtl=5 seconds", "configuration.inUseDelay=garbage",
            "configuration.claimTimeout=-5s", "configuration.readTimeout=5x"})
    void anUnreadableDurationAmongTheComponentPropertiesStopsTheStartNamingTheOption(String property) {
        Main main = new Main();
        main.addInitialProperty(COMPONENT + property.substring(0, property.indexOf('=')),
                property.substring(property.indexOf('=') + 1));
        try {
            String messages = CatalogValidationTest.rootMessages(assertThrows(Exception.class, main::start));
            String option = property.substring(property.lastIndexOf('.', property.indexOf('=')) + 1);
            assertTrue(messages.contains("pop3raw: " + option + " is not a duration"), messages);
        } finally {
            main.stop();
        }
        assertFalse(main.isStarted());
    }

    @Test
    void aDashedPropertyNameIsCheckedTooAndTheMessageNamesTheOption() {
        Main main = new Main();
        main.addInitialProperty(COMPONENT + "in-use-delay", "garbage");
        try {
            String messages = CatalogValidationTest.rootMessages(assertThrows(Exception.class, main::start));
            assertTrue(messages.contains("pop3raw: inUseDelay=garbage is not a duration"), messages);
        } finally {
            main.stop();
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "0ms, 0", "PT0S, 0", "45s, 45000", "1h30m, 5400000", "60000, 60000"})
    void theDurationsUsersWriteStartTheApplicationFlatAndNested(String text, long millis) throws Exception {
        assertEquals(millis, startedWith("inUseDelay", text, Pop3RawConfiguration::getInUseDelay));
        assertEquals(millis, startedWith("configuration.inUseDelay", text, Pop3RawConfiguration::getInUseDelay));
        assertEquals(millis, startedWith("configuration.readTimeout", text, Pop3RawConfiguration::getReadTimeout));
    }

    /** The value the component's configuration holds once camel-main started with {@code property=text}. */
    private static long startedWith(String property, String text, ToLongFunction<Pop3RawConfiguration> value)
            throws Exception {
        Main main = new Main();
        main.addInitialProperty(COMPONENT + property, text);
        main.start();
        try {
            return value.applyAsLong(main.getCamelContext().getComponent("pop3raw", Pop3RawComponent.class)
                    .getConfiguration());
        } finally {
            main.stop();
        }
    }

    // ---------------------------------------------------------------- Java: the component's properties

    @ParameterizedTest
    @ValueSource(strings = {"inUseDelay", "configuration.inUseDelay"})
    void anUnreadableDurationBoundOnTheComponentInJavaFailsNamingTheOption(String property) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            Pop3RawComponent component = camel.getComponent("pop3raw", Pop3RawComponent.class);
            Exception e = assertThrows(Exception.class, () -> bind(camel, component, property, "garbage"));
            String messages = CatalogValidationTest.rootMessages(e);
            assertTrue(messages.contains("pop3raw: inUseDelay=garbage is not a duration; write milliseconds"),
                    messages);
            assertEquals(60_000, component.getConfiguration().getInUseDelay(), "the default stays");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"inUseDelay", "configuration.inUseDelay"})
    void aDurationBoundOnTheComponentInJavaIsRead(String property) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            Pop3RawComponent component = camel.getComponent("pop3raw", Pop3RawComponent.class);
            bind(camel, component, property, "1h30m");
            assertEquals(5_400_000, component.getConfiguration().getInUseDelay());
            bind(camel, component, property, "0ms");
            assertEquals(0, component.getConfiguration().getInUseDelay());
        }
    }

    /** As a Java application binds a component's properties: with the component's own configurer. */
    private static void bind(CamelContext camel, Pop3RawComponent component, String property, String value) {
        boolean bound = PropertyBindingSupport.build().withCamelContext(camel).withTarget(component)
                .withConfigurer(component.getComponentPropertyConfigurer()).withProperty(property, value).bind();
        assertTrue(bound, property + " bound");
    }
}
