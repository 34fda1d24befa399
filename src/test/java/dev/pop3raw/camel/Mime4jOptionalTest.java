package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.CompiledClasses;
import dev.pop3raw.testing.HidingClassLoader;
import dev.pop3raw.testing.ScriptedMailbox;

/**
 * Mime4j is optional: only dev.pop3raw.mime refers to it, nothing else in the component refers to dev.pop3raw.mime
 * (it is loaded by name), and without Mime4j on the class path a route consumes mail as before while the splitter
 * fails with an error naming the dependency to add.
 */
class Mime4jOptionalTest {

    @Test
    void onlyDevPop3rawMimeRefersToMime4jAndNothingRefersToIt() {
        CompiledClasses classes = CompiledClasses.outside("dev/pop3raw/mime/", "org/apache/james/",
                "dev/pop3raw/mime/");
        assertTrue(classes.scanned() > 100, "scanned " + classes.scanned() + " classes");
        assertEquals(List.of(), classes.referring(), "classes outside dev.pop3raw.mime that refer to Mime4j or to it");
    }

    @Test
    void withoutMime4jMailIsConsumedAndTheSplitterNamesTheDependencyToAdd() throws Exception {
        try (ScriptedMailbox mailbox = ScriptedMailbox.start()) {
            HidingClassLoader withoutMime4j = HidingClassLoader
                    .copyingTheClassPath(List.of("org.apache.james.mime4j."));
            mailbox.add("outlook", new String(MimeCorpus.message("outlook"), StandardCharsets.UTF_8));
            assertThrows(ClassNotFoundException.class,
                    () -> Class.forName("org.apache.james.mime4j.stream.MimeTokenStream", false, withoutMime4j));
            Thread thread = Thread.currentThread();
            ClassLoader before = thread.getContextClassLoader();
            thread.setContextClassLoader(withoutMime4j);
            String result;
            try {
                result = (String) Class.forName(WithoutMime4jRoute.class.getName(), true, withoutMime4j)
                        .getMethod("run", int.class).invoke(null, mailbox.port());
            } finally {
                thread.setContextClassLoader(before);
            }
            assertEquals("subject=Invoice 2024-117 error=" + MimeParts.MISSING, result);
            assertTrue(withoutMime4j.defined().contains(MimeParts.class.getName()), "the component is the copy");
        }
    }
}
