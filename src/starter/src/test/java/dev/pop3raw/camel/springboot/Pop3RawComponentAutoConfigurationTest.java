package dev.pop3raw.camel.springboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

import dev.pop3raw.camel.ClaimMode;
import dev.pop3raw.camel.OversizeAction;
import dev.pop3raw.camel.Pop3RawComponent;
import dev.pop3raw.camel.Pop3RawConfiguration;
import dev.pop3raw.client.TlsMode;

/** camel.component.pop3raw.* lands on the component's configuration, with Spring Boot's types and bean references. */
class Pop3RawComponentAutoConfigurationTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        IdempotentRepository seenMail() {
            return MemoryIdempotentRepository.memoryIdempotentRepository();
        }
    }

    static Pop3RawConfiguration componentConfiguration(CamelContext camel) {
        return camel.getComponent("pop3raw", Pop3RawComponent.class).getConfiguration();
    }

    @Nested
    @SpringBootTest(classes = App.class, properties = { "camel.component.pop3raw.username=alice",
            "camel.component.pop3raw.tls=implicit", "camel.component.pop3raw.max-messages-per-poll=7",
            "camel.component.pop3raw.claim-timeout=30s", "camel.component.pop3raw.read-timeout=2500",
            "camel.component.pop3raw.oversize-action=fail", "camel.component.pop3raw.claims=lease",
            "camel.component.pop3raw.idempotent-repository=#seenMail", "camel.component.pop3raw.pipelining=false" })
    class Configured {
        @Autowired
        CamelContext camel;
        @Autowired
        IdempotentRepository seenMail;

        @Test
        void thePropertiesConfigureTheComponent() {
            Pop3RawConfiguration configuration = componentConfiguration(camel);
            assertEquals("alice", configuration.getUsername());
            assertEquals(TlsMode.IMPLICIT, configuration.getTls());
            assertEquals(7, configuration.getMaxMessagesPerPoll());
            assertEquals(30_000, configuration.getClaimTimeout());
            assertEquals(2_500, configuration.getReadTimeout());
            assertEquals(OversizeAction.FAIL, configuration.getOversizeAction());
            assertEquals(ClaimMode.LEASE, configuration.getClaims());
            assertSame(seenMail, configuration.getIdempotentRepository());
            assertFalse(configuration.isPipelining());
            // an option left unset keeps the component's default
            assertEquals(10_000, configuration.getConnectTimeout());
            assertEquals(32, configuration.getPipelineWindow());
        }
    }

    @Nested
    @SpringBootTest(classes = App.class, properties = { "camel.component.pop3raw.username=alice",
            "camel.component.pop3raw.customizer.enabled=false" })
    class CustomizerDisabled {
        @Autowired
        CamelContext camel;

        @Test
        void thePropertiesAreLeftAlone() {
            Pop3RawConfiguration configuration = componentConfiguration(camel);
            assertNull(configuration.getUsername());
            assertTrue(configuration.isPipelining());
        }
    }

    @Nested
    @SpringBootTest(classes = App.class, properties = { "camel.component.pop3raw.username=alice",
            "camel.component.pop3raw.enabled=false" })
    class Disabled {
        @Autowired
        CamelContext camel;

        @Test
        void theAutoConfigurationStepsAside() {
            assertNull(componentConfiguration(camel).getUsername());
        }
    }

    /**
     * Why the starter exists: camel-spring-boot itself does not apply camel.component.NAME.* to a component; only the
     * component's starter does. Without this auto-configuration the property is silently ignored.
     */
    @Nested
    @SpringBootTest(classes = App.class, properties = { "camel.component.pop3raw.username=alice",
            "spring.autoconfigure.exclude=dev.pop3raw.camel.springboot.Pop3RawComponentAutoConfiguration" })
    class WithoutTheStarter {
        @Autowired
        CamelContext camel;

        @Test
        void camelSpringBootIgnoresTheProperties() {
            assertNull(componentConfiguration(camel).getUsername());
        }
    }
}
