package dev.pop3raw.camel.springboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The starter's properties are written by hand; this keeps them in step with the component: every component option in
 * the component jar's metadata must be a property of {@link Pop3RawComponentConfiguration}, and nothing else.
 */
class StarterOptionsTest {

    @Test
    void everyComponentOptionIsAStarterProperty() throws Exception {
        String json;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/dev/pop3raw/camel/pop3raw.json")) {
            assertNotNull(in, "the component's metadata in the component jar");
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int start = json.indexOf("\"componentProperties\"");
        int end = json.indexOf("\"headers\"", start) > 0 ? json.indexOf("\"headers\"", start) : json.indexOf("\"properties\"", start);
        Set<String> componentOptions = new TreeSet<>();
        Matcher option = Pattern.compile("\\n    \"([A-Za-z0-9]+)\": \\{").matcher(json.substring(start, end));
        while (option.find()) {
            componentOptions.add(option.group(1));
        }
        Set<String> starterProperties = Arrays.stream(
                Introspector.getBeanInfo(Pop3RawComponentConfiguration.class).getPropertyDescriptors())
                .filter(p -> p.getWriteMethod() != null
                        && p.getWriteMethod().getDeclaringClass() == Pop3RawComponentConfiguration.class)
                .map(PropertyDescriptor::getName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(componentOptions, starterProperties);
    }
}
