package dev.pop3raw.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.apache.camel.tooling.model.BaseOptionModel;
import org.apache.camel.tooling.model.ComponentModel;
import org.junit.jupiter.api.Test;

/** docs/pop3raw-component.adoc must show what the component metadata says. */
class ComponentDocTest {

    @Test
    void optionsAndHeadersTablesAreGeneratedFromTheCurrentMetadata() throws Exception {
        String page = Files.readString(ComponentDocGenerator.PAGE, StandardCharsets.UTF_8);
        String expected = ComponentDocGenerator.render(page, ComponentDocGenerator.model());
        assertEquals(expected, page,
                ComponentDocGenerator.PAGE + " is stale: its options or headers tables differ from "
                        + ComponentDocGenerator.METADATA + ". Regenerate them with: "
                        + ComponentDocGenerator.COMMAND);
    }

    @Test
    void everyOptionAndHeaderIsOnThePage() throws Exception {
        String page = Files.readString(ComponentDocGenerator.PAGE, StandardCharsets.UTF_8);
        ComponentModel model = ComponentDocGenerator.model();
        for (BaseOptionModel o : model.getComponentOptions()) {
            assertTrue(page.contains("| *" + o.getName() + "* ("), "component option " + o.getName());
        }
        for (BaseOptionModel o : model.getEndpointOptions()) {
            assertTrue(page.contains("| *" + o.getName() + "* ("), "endpoint option " + o.getName());
        }
        for (BaseOptionModel h : model.getEndpointHeaders()) {
            assertTrue(page.contains("| *" + h.getName() + "* ("), "header " + h.getName());
        }
    }

    @Test
    void headerAttributesMatchTheMetadata() throws Exception {
        String page = Files.readString(ComponentDocGenerator.PAGE, StandardCharsets.UTF_8);
        ComponentModel model = ComponentDocGenerator.model();
        assertTrue(page.startsWith("= " + model.getTitle() + " Component\n"), "title");
        assertTrue(page.contains("\n:shortname: " + model.getScheme() + "\n"), ":shortname:");
        assertTrue(page.contains("\n:artifactid: " + model.getArtifactId() + "\n"), ":artifactid:");
        assertTrue(page.contains("\n:description: " + model.getDescription() + "\n"), ":description:");
        assertTrue(page.contains("\n:since: " + model.getFirstVersion() + "\n"), ":since:");
        assertTrue(page.contains("\n:supportlevel: " + model.getSupportLevel() + "\n"), ":supportlevel:");
        assertTrue(page.contains("\n:component-header: Only consumer is supported\n"), ":component-header:");
    }
}
