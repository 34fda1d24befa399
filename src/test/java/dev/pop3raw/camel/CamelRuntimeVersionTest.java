package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The suite runs on the Camel the build names: the default line, or another supported one chosen with
 * {@code -Dcamel.version} (CI runs the consumer tests on each supported line against the one jar).
 */
class CamelRuntimeVersionTest {

    @Test
    void theTestsRunOnTheCamelVersionTheBuildNames() throws Exception {
        String expected = System.getProperty("pop3raw.expectedCamelVersion");
        assertNotNull(expected, "surefire passes the POM's camel.version");
        try (CamelContext camel = new DefaultCamelContext()) {
            assertEquals(expected, camel.getVersion());
            camel.start();
            assertNotNull(camel.getComponent("pop3raw"), "the component loads on Camel " + camel.getVersion());
        }
    }
}
