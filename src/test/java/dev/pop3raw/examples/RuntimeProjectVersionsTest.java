package dev.pop3raw.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The starter (src/starter) and the Spring Boot example (examples/spring-boot) are Maven projects of their own, with
 * the component's version written in their POMs so that they build alone. CI builds them with this build's version;
 * this keeps the written one in step, so that a version change (CONTRIBUTING.md, the release flow) cannot leave them
 * behind.
 */
class RuntimeProjectVersionsTest {

    private static String first(Path pom, String regex) throws IOException {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(Files.readString(pom));
        assertTrue(m.find(), regex + " in " + pom);
        return m.group(1);
    }

    @Test
    void theStarterAndTheSpringBootExampleUseTheComponentsVersion() throws IOException {
        String version = first(Path.of("pom.xml"),
                "<artifactId>camel-pop3raw</artifactId>\\s*<version>([^<]+)</version>");
        assertEquals(version, first(Path.of("src/starter/pom.xml"),
                "<artifactId>camel-pop3raw-starter</artifactId>.*?<version>([^<]+)</version>"));
        assertEquals(version,
                first(Path.of("examples/spring-boot/pom.xml"), "<pop3raw.version>([^<]+)</pop3raw.version>"));
        String camel = first(Path.of("pom.xml"), "<camel.version>([^<]+)</camel.version>");
        assertEquals(camel, first(Path.of("src/starter/pom.xml"), "<camel.version>([^<]+)</camel.version>"));
        assertEquals(camel, first(Path.of("examples/spring-boot/pom.xml"), "<camel.version>([^<]+)</camel.version>"));
    }
}
