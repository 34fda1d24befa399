package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

/** The published metadata is the generated one, and every option and header is documented. */
class ComponentMetadataTest {

    private static final Path GENERATED = Path.of("src/generated/resources/META-INF/dev/pop3raw/camel/pop3raw.json");
    private static final Path PUBLISHED = Path.of("camel-pop3raw-component.json");

    @Test
    void topLevelMetadataEqualsGenerated() throws Exception {
        assertTrue(Files.exists(PUBLISHED), "publish the metadata: " + dev.pop3raw.docs.ComponentDocGenerator.COMMAND);
        assertEquals(Files.readString(GENERATED), Files.readString(PUBLISHED),
                PUBLISHED + " differs from " + GENERATED + "; run " + dev.pop3raw.docs.ComponentDocGenerator.COMMAND
                        + " and commit both");
    }

    @Test
    void everyOptionAndHeaderHasADescription() throws Exception {
        JsonObject json = (JsonObject) Jsoner.deserialize(Files.readString(GENERATED));
        for (String section : new String[]{"componentProperties", "properties", "headers"}) {
            JsonObject options = json.getMap(section);
            assertNotNull(options, section);
            assertFalse(options.isEmpty(), section);
            for (Map.Entry<String, Object> e : options.entrySet()) {
                String description = ((JsonObject) e.getValue()).getString("description");
                assertTrue(description != null && !description.isBlank(),
                        section + "." + e.getKey() + " has no description");
            }
        }
    }

    @Test
    void optionsOfTheIssueArePresent() throws Exception {
        JsonObject properties = ((JsonObject) Jsoner.deserialize(Files.readString(GENERATED))).getMap("properties");
        for (String name : new String[]{
                "host", "port", "tls", "sslContextParameters", "connectTimeout", "readTimeout", "username", "password",
                "authMechanism", "accessTokenProvider", "allowCleartextAuth", "delete", "idempotentRepository",
                "maxMessagesPerPoll", "maxMessageSize", "oversizeAction", "pipelining", "debugLevel", "delay",
                "initialDelay", "useFixedDelay", "backoffMultiplier", "backoffIdleThreshold", "backoffErrorThreshold",
                "sendEmptyMessageWhenIdle", "bridgeErrorHandler", "exceptionHandler", "pollStrategy", "scheduler",
                "greedy", "repeatCount", "runLoggingLevel", "timeUnit", "startScheduler"}) {
            assertTrue(properties.containsKey(name), "missing option " + name);
        }
        assertEquals(Boolean.TRUE, option(properties, "password").getBoolean("secret"));
        assertEquals(Boolean.TRUE, option(properties, "host").getBoolean("required"));
        assertEquals("auto", option(properties, "tls").getString("defaultValue"));
        assertEquals("60000", String.valueOf(option(properties, "delay").get("defaultValue")));
    }

    private static JsonObject option(JsonObject properties, String name) {
        return (JsonObject) properties.get(name);
    }
}
