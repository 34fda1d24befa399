package com.example.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;

/**
 * Routes on kamelet:pop3raw-source, the Kamelet read from the installed camel-pop3raw jar (camel-kamelet's default
 * location, classpath:kamelets), against an in-process POP3 server.
 */
class KameletSourceTest {

    static final List<String> SUBJECTS = List.of("one", "two", "three", "four");
    // characters that would break a query string unless the Kamelet passes the password through intact
    static final String PASSWORD = "p&ss+w%rd=1";

    @RegisterExtension
    static GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.POP3)
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("alice", PASSWORD))
            .withPerMethodLifecycle(true);

    @TempDir
    Path tmp;

    void deliverAll() {
        for (String subject : SUBJECTS) {
            mail.getUserManager().getUser("alice").deliver(GreenMailUtil.newMimeMessage("From: bob@example.com\r\n"
                    + "To: alice@localhost\r\nSubject: " + subject + "\r\n\r\nhello through the Kamelet\r\n"));
        }
    }

    @Test
    void everyMessageArrivesThroughTheKamelet() throws Exception {
        deliverAll();
        int port = mail.getPop3().getPort();
        Map<String, String> bodies = new ConcurrentHashMap<>();
        AtomicReference<String> camelVersion = new AtomicReference<>();

        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("kamelet:pop3raw-source?host=127.0.0.1&port=" + port + "&tls=none&username=alice"
                            + "&password=RAW(" + PASSWORD + ")&delete=true&delay=100&maxMessagesPerPoll=3")
                            .process(e -> camelVersion.set(e.getContext().getVersion()))
                            .process(e -> bodies.put(e.getMessage().getHeader("CamelPop3RawSubject", String.class),
                                    e.getMessage().getBody(String.class)));
                }
            });
            camel.start();
            await(() -> bodies.size() >= SUBJECTS.size());
        }

        assertEquals(SUBJECTS.stream().sorted().toList(), List.copyOf(new TreeMap<>(bodies).keySet()));
        bodies.values().forEach(body -> assertTrue(body.contains("hello through the Kamelet"), body));
        // the Camel this project runs on (see the POM)
        assertEquals(System.getProperty("camel.expectedVersion"), camelVersion.get());
        awaitEmpty();
    }

    @Test
    void withAnIdempotentRepositoryTheMailStaysAndIsConsumedOnce() throws Exception {
        deliverAll();
        int port = mail.getPop3().getPort();
        List<String> uidls = new CopyOnWriteArrayList<>();

        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("seenMail", MemoryIdempotentRepository.memoryIdempotentRepository());
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // the optional Kamelet property idempotentRepository, instead of delete
                    from("kamelet:pop3raw-source?host=127.0.0.1&port=" + port + "&tls=none&username=alice"
                            + "&password=RAW(" + PASSWORD + ")&idempotentRepository=#seenMail&delay=100")
                            .process(e -> uidls.add(e.getMessage().getHeader("CamelPop3RawUidl", String.class)));
                }
            });
            camel.start();
            await(() -> uidls.size() >= SUBJECTS.size());
            // several more polls: nothing is consumed twice
            Thread.sleep(1000);
        }

        assertEquals(SUBJECTS.size(), uidls.size(), uidls.toString());
        assertEquals(SUBJECTS.size(), Set.copyOf(uidls).size(), uidls.toString());
        assertEquals(SUBJECTS.size(), mail.getReceivedMessages().length, "the mail stays on the server");
    }

    @Test
    void theKameletExampleRouteWritesEveryMessage() throws Exception {
        deliverAll();
        String example = System.getProperty("kamelet.example");
        assertNotNull(example, "the example's path (set by the POM)");
        Path output = tmp.resolve("mail");

        Properties properties = new Properties();
        properties.setProperty("pop3.host", "127.0.0.1");
        properties.setProperty("pop3.port", String.valueOf(mail.getPop3().getPort()));
        properties.setProperty("pop3.tls", "none");
        properties.setProperty("pop3.user", "alice");
        properties.setProperty("pop3.password", PASSWORD);
        properties.setProperty("pop3.delay", "100");
        properties.setProperty("mail.output", output.toString());
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getPropertiesComponent().setInitialProperties(properties);
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveMandatoryResource(camel, "file:" + example));
            camel.start();
            await(() -> countFiles(output) >= SUBJECTS.size());
        }

        // one folder per mailbox (the route's fileName starts with the CamelPop3RawMailbox header)
        try (Stream<Path> files = Files.walk(output).filter(Files::isRegularFile)) {
            List<String> written = files.map(file -> {
                assertEquals("alice@127.0.0.1:" + mail.getPop3().getPort(), file.getParent().getFileName().toString());
                try {
                    return Files.readString(file);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertEquals(SUBJECTS.size(), written.size(), written.toString());
            for (String subject : SUBJECTS) {
                assertTrue(written.stream().anyMatch(text -> text.contains("Subject: " + subject + "\r\n")), subject);
            }
        }
        awaitEmpty();
    }

    static long countFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir).filter(Files::isRegularFile)) {
            return files.count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** delete=true: the server is empty once the last session's QUIT was processed. */
    void awaitEmpty() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (mail.getReceivedMessages().length > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, mail.getReceivedMessages().length, "messages left on the server");
    }
}
