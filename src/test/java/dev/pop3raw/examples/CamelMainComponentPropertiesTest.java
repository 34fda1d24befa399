package dev.pop3raw.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

import dev.pop3raw.camel.Pop3RawComponent;
import dev.pop3raw.camel.Pop3RawConfiguration;
import dev.pop3raw.client.TlsMode;
import dev.pop3raw.examples.demo.DemoMailbox;
import dev.pop3raw.examples.demo.DemoMessages;

/**
 * camel-main applies camel.component.pop3raw.* to the component through its generated configurer, without a starter:
 * the route's URI names only the server (docs/getting-started.adoc, "camel-main"; Spring Boot needs
 * camel-pop3raw-starter instead).
 */
class CamelMainComponentPropertiesTest {

    @Test
    void camelComponentPropertiesConfigureTheComponent() throws Exception {
        int expected = DemoMessages.all().size();
        List<String> uidls = new CopyOnWriteArrayList<>();
        try (DemoMailbox mailbox = DemoMailbox.start()) {
            Main main = new Main();
            main.addInitialProperty("camel.component.pop3raw.username", DemoMailbox.USER);
            main.addInitialProperty("camel.component.pop3raw.password", DemoMailbox.PASSWORD);
            main.addInitialProperty("camel.component.pop3raw.tls", "none");
            main.addInitialProperty("camel.component.pop3raw.delete", "true");
            main.addInitialProperty("camel.component.pop3raw.max-messages-per-poll", "2");
            main.addInitialProperty("camel.component.pop3raw.read-timeout", "20s");
            main.configure().withDurationMaxMessages(expected).withDurationMaxSeconds(60);
            main.configure().addRoutesBuilder(new RouteBuilder() {
                @Override
                public void configure() {
                    from("pop3raw:" + mailbox.host() + ":" + mailbox.port() + "?initialDelay=0&delay=100")
                            .process(e -> uidls.add(e.getMessage().getHeader("CamelPop3RawUidl", String.class)));
                }
            });
            main.start();
            try {
                Pop3RawConfiguration configuration = main.getCamelContext()
                        .getComponent("pop3raw", Pop3RawComponent.class).getConfiguration();
                assertEquals(DemoMailbox.USER, configuration.getUsername());
                assertEquals(TlsMode.NONE, configuration.getTls());
                assertTrue(configuration.isDelete());
                assertEquals(2, configuration.getMaxMessagesPerPoll());
                assertEquals(20_000, configuration.getReadTimeout());
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (uidls.size() < expected && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            } finally {
                main.stop();
            }
            assertEquals(expected, uidls.size(), uidls.toString());
        }
    }
}
