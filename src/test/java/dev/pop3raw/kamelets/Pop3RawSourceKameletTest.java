package dev.pop3raw.kamelets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The pop3raw-source Kamelet as it ships (kamelets/ on the class path, the location camel-kamelet reads by default),
 * checked for shape: the parts of the Kamelet format the catalogue's Kamelets fill in, required properties that
 * exist, template placeholders that are all declared, parameters that are all pop3raw endpoint options, and defaults
 * that agree with the endpoint's. The Kamelet is run end to end by the invoker project src/it/kamelet-project (on
 * Camel 4.18: camel-kamelet 4.22 is not served by the Maven repository CI uses, see docs/getting-started.adoc).
 */
class Pop3RawSourceKameletTest {

    static final String LOCATION = "kamelets/pop3raw-source.kamelet.yaml";

    static String text;
    static Map<String, Object> kamelet;
    static JsonObject endpointOptions;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        text = resource(LOCATION);
        kamelet = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
        JsonObject metadata = (JsonObject) Jsoner.deserialize(resource("META-INF/dev/pop3raw/camel/pop3raw.json"));
        endpointOptions = metadata.getMap("properties");
    }

    static String resource(String name) throws IOException {
        try (InputStream in = Pop3RawSourceKameletTest.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, name + " on the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String... path) {
        Map<String, Object> current = parent;
        for (String key : path) {
            Object next = current.get(key);
            assertTrue(next instanceof Map, String.join(".", path) + ": " + key + " is " + next);
            current = (Map<String, Object>) next;
        }
        return current;
    }

    @Test
    void isASourceKameletNamedLikeItsFile() {
        assertEquals("camel.apache.org/v1", kamelet.get("apiVersion"));
        assertEquals("Kamelet", kamelet.get("kind"));
        assertEquals("pop3raw-source", map(kamelet, "metadata").get("name"));
        assertEquals("source", map(kamelet, "metadata", "labels").get("camel.apache.org/kamelet.type"));
        Map<String, Object> annotations = map(kamelet, "metadata", "annotations");
        for (String annotation : List.of("camel.apache.org/kamelet.support.level", "camel.apache.org/provider",
                "camel.apache.org/kamelet.group")) {
            assertNotNull(annotations.get(annotation), annotation);
        }
        assertEquals("message/rfc822", map(kamelet, "spec", "types", "out").get("mediaType"));
        assertEquals("kamelet:sink", ((Map<?, ?>) ((List<?>) map(kamelet, "spec", "template", "from").get("steps"))
                .get(0)).get("to"));
    }

    @Test
    void everyPropertyIsDescribedAndTheRequiredOnesExist() {
        Map<String, Object> definition = map(kamelet, "spec", "definition");
        assertNotNull(definition.get("title"));
        assertNotNull(definition.get("description"));
        assertEquals("object", definition.get("type"));
        Map<String, Object> properties = map(definition, "properties");
        // a password or OAuth2: neither is required on its own
        assertEquals(List.of("host", "username"), definition.get("required"));
        assertTrue(properties.keySet().containsAll((List<?>) definition.get("required")));
        for (String name : properties.keySet()) {
            Map<String, Object> property = map(properties, name);
            for (String key : List.of("title", "description", "type")) {
                assertNotNull(property.get(key), name + "." + key);
            }
        }
        for (String secret : List.of("password", "oauth2ClientSecret", "oauth2RefreshToken")) {
            assertEquals("password", map(properties, secret).get("format"), secret + " is shown masked");
        }
        assertTrue(((List<?>) map(properties, "password").get("x-descriptors"))
                .contains("urn:alm:descriptor:com.tectonic.ui:password"));
    }

    @Test
    void everyPlaceholderInTheTemplateIsADeclaredPropertyAndEveryPropertyIsUsed() {
        Set<String> declared = map(kamelet, "spec", "definition", "properties").keySet();
        String template = text.substring(text.indexOf("\n  template:"));
        Set<String> used = new TreeSet<>();
        Matcher placeholder = Pattern.compile("\\{\\{\\??([^}]+)}}").matcher(template);
        while (placeholder.find()) {
            used.add(placeholder.group(1));
        }
        assertEquals(new TreeSet<>(declared), used);
        // a property without a default must be required or optional ({{?name}}), or the route cannot start without it
        Map<String, Object> properties = map(kamelet, "spec", "definition", "properties");
        List<?> required = (List<?>) map(kamelet, "spec", "definition").get("required");
        for (String name : declared) {
            boolean optional = template.contains("{{?" + name + "}}");
            boolean hasDefault = map(properties, name).containsKey("default");
            assertTrue(required.contains(name) || hasDefault || optional,
                    name + ": no default, not required, not {{?}}");
            assertFalse(required.contains(name) && optional, name + " is required and optional");
        }
    }

    @Test
    void theTemplateParametersAreEndpointOptionsWithTheEndpointsDefaults() {
        Map<String, Object> from = map(kamelet, "spec", "template", "from");
        assertEquals("pop3raw:{{host}}:{{port}}", from.get("uri"));
        Map<String, Object> parameters = map(from, "parameters");
        Map<String, Object> properties = map(kamelet, "spec", "definition", "properties");
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            String name = parameter.getKey();
            assertTrue(endpointOptions.containsKey(name), name + " is not a pop3raw endpoint option");
            Map<String, Object> property = map(properties, name);
            Object kameletDefault = property.get("default");
            Object endpointDefault = ((JsonObject) endpointOptions.get(name)).get("defaultValue");
            if (kameletDefault != null && endpointDefault != null) {
                assertEquals(String.valueOf(endpointDefault), String.valueOf(kameletDefault), name + "'s default");
            }
        }
        assertEquals(new TreeSet<>((List<?>) ((JsonObject) endpointOptions.get("tls")).get("enum")),
                new TreeSet<>((List<?>) map(properties, "tls").get("enum")), "tls values");
    }

    @Test
    void itDependsOnThisBuildsJar() throws IOException {
        Properties component = new Properties();
        component.load(new StringReader(resource("META-INF/services/org/apache/camel/component.properties")));
        List<?> dependencies = (List<?>) map(kamelet, "spec").get("dependencies");
        assertTrue(dependencies.contains("camel:kamelet"), dependencies.toString());
        assertTrue(dependencies.contains("mvn:" + component.getProperty("groupId") + ":"
                + component.getProperty("artifactId") + ":" + component.getProperty("version")),
                dependencies.toString());
        assertFalse(text.contains("${"), "unfilled build property in the Kamelet");
    }
}
