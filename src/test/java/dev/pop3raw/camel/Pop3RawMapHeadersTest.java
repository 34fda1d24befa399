package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pop3raw.testing.LogCapture;
import dev.pop3raw.testing.ScriptedMailbox;

/**
 * mapHeaders=true in a route (docs/user-guide.adoc, "Mail headers as camel-mail maps them"): every header field of a
 * message served by a {@link ScriptedMailbox} becomes a Camel header, ${header.Subject} works in the Simple language,
 * the default filter strategy drops what a sender must not set, a headerFilterStrategy bean replaces it, and the
 * CamelPop3Raw headers stay as they are. Polls are driven by hand (startScheduler=false).
 */
@DisplayName("mapHeaders=true, on a ScriptedMailbox")
class Pop3RawMapHeadersTest extends Pop3RawCamelTestSupport {

    private static final String MAIL = "Received: from relay2.example.net by mx.example.com\r\n"
            + "Received: from laptop by relay2.example.net\r\n"
            + "Subject: =?UTF-8?B?R3LDvMOfZQ==?= aus\r\n =?ISO-8859-1?Q?K=F6ln?=\r\n"
            + "From: =?UTF-8?Q?J=C3=B6rg?= <joerg@example.com>\r\n"
            + "To: alice@example.com\r\nCc: bob@example.com, carol@example.com\r\n"
            + "Reply-To: list@example.com\r\nIn-Reply-To: <1@example.com>\r\n"
            + "References: <0@example.com>\r\n <1@example.com>\r\nAuto-Submitted: auto-replied\r\n"
            + "List-Id: Example list <list.example.com>\r\n"
            + "Content-Type: application/pdf; name*=UTF-8''Rechnung%20M%C3%A4rz.pdf\r\n"
            + "CamelFileName: ../../etc/cron.d/evil\r\nCAMELHTTPURI: http://evil.example/\r\n"
            + "CamelPop3RawUidl: forged\r\nmail.smtp.host: evil.example\r\nMAIL.SMTPS.AUTH: false\r\n\r\nbody\r\n";

    private ScriptedMailbox stub;
    private final List<Exchange> routed = new CopyOnWriteArrayList<>();

    @Override
    protected void doPreSetup() throws Exception {
        super.doPreSetup();
        stub = ScriptedMailbox.start();
    }

    @AfterEach
    void stopStub() throws Exception {
        stub.close();
    }

    /** A route "pop" on the stub with these options; ${header.Subject} becomes the body. Polled by the test. */
    private Pop3RawConsumer consumer(String options) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stub.port(), "delete=true&startScheduler=false" + (options.isEmpty() ? "" : "&" + options)))
                        .routeId("pop")
                        .setBody(simple("${header.Subject}"))
                        .process(routed::add);
            }
        });
        return (Pop3RawConsumer) context.getRoute("pop").getConsumer();
    }

    /** The headers of the exchange of {@link #MAIL}, polled once with these options. */
    private Map<String, Object> headersOfMail(String options) throws Exception {
        stub.add("m1", MAIL);
        assertEquals(1, consumer(options).poll());
        assertEquals(1, routed.size());
        return routed.get(0).getMessage().getHeaders();
    }

    @Test
    @DisplayName("every field under its own name, decoded; a repeated one as a List; ${header.Subject} in Simple")
    void everyFieldIsAHeader() throws Exception {
        Map<String, Object> h = headersOfMail("mapHeaders=true");
        assertEquals("Grüße aus Köln", routed.get(0).getMessage().getBody(String.class));
        assertEquals("Grüße aus Köln", h.get("subject"), "Camel's headers are case-insensitive");
        assertEquals("Jörg <joerg@example.com>", h.get("From"));
        assertEquals("alice@example.com", h.get("To"));
        assertEquals("bob@example.com, carol@example.com", h.get("Cc"));
        assertEquals("list@example.com", h.get("Reply-To"));
        assertEquals("<1@example.com>", h.get("In-Reply-To"));
        assertEquals("<0@example.com> <1@example.com>", h.get("References"));
        assertEquals("auto-replied", h.get("Auto-Submitted"));
        assertEquals("Example list <list.example.com>", h.get("List-Id"));
        assertEquals("application/pdf; name=\"Rechnung März.pdf\"", h.get("Content-Type"));
        assertEquals(List.of("from relay2.example.net by mx.example.com", "from laptop by relay2.example.net"),
                h.get("Received"));
    }

    @Test
    @DisplayName("the default filter drops Camel* (in any case) and mail.smtp.*; the CamelPop3Raw headers are the consumer's")
    void theDefaultFilterDropsWhatASenderMustNotSet() throws Exception {
        Map<String, Object> h = headersOfMail("mapHeaders=true");
        assertNull(h.get("CamelFileName"));
        assertNull(h.get("CamelHttpUri"));
        assertNull(h.get("mail.smtp.host"));
        assertNull(h.get("mail.smtps.auth"));
        assertEquals("m1", h.get(Pop3RawConstants.UIDL));
        assertEquals("Grüße aus Köln", h.get(Pop3RawConstants.SUBJECT), "today's headers stay");
        assertEquals("Jörg <joerg@example.com>", h.get(Pop3RawConstants.FROM));
    }

    @Test
    @DisplayName("a headerFilterStrategy bean replaces the default; the consumer's own headers still win")
    void aUserFilterStrategyTakesEffect() throws Exception {
        context.getRegistry().bind("noReceived", new HeaderFilterStrategy() {
            @Override
            public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
                return false;
            }

            @Override
            public boolean applyFilterToExternalHeaders(String name, Object value, Exchange exchange) {
                return name.equalsIgnoreCase("Received") || name.equalsIgnoreCase("List-Id");
            }
        });
        Map<String, Object> h = headersOfMail("mapHeaders=true&headerFilterStrategy=#noReceived");
        assertFalse(h.containsKey("Received"));
        assertFalse(h.containsKey("List-Id"));
        assertEquals("alice@example.com", h.get("To"));
        assertEquals("../../etc/cron.d/evil", h.get("CamelFileName"), "this strategy lets Camel* through");
        assertEquals("m1", h.get(Pop3RawConstants.UIDL), "set after the mapped fields: a message cannot forge it");
    }

    @Test
    @DisplayName("without mapHeaders (the default) only the CamelPop3Raw headers are set")
    void offByDefault() throws Exception {
        Map<String, Object> h = headersOfMail("");
        assertNull(routed.get(0).getMessage().getBody());
        assertTrue(h.keySet().stream().allMatch(name -> name.startsWith("CamelPop3Raw")), h.keySet().toString());
        assertEquals("Grüße aus Köln", h.get(Pop3RawConstants.SUBJECT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mapHeaders=true", "mapHeaders=true&streamDownload=true"})
    @DisplayName("a header block over 64 KiB: the fields before the bound are mapped, one WARN for the consumer")
    void aHeaderBlockOverTheBoundIsMappedAsFarAsItFitsAndReportedOnce(String options) throws Exception {
        String huge = "Subject: big\r\n" + ("X-Filler: " + "f".repeat(990) + "\r\n").repeat(70)
                + "X-After: not mapped\r\n\r\nbody\r\n";
        stub.add("big1", huge);
        stub.add("big2", huge);
        try (LogCapture log = LogCapture.warnings()) {
            assertEquals(2, consumer(options).poll());
            List<String> warnings = log.lines().stream().filter(l -> l.contains("header block")).toList();
            assertEquals(1, warnings.size(), log.text());
            assertTrue(warnings.get(0).contains("big1") && warnings.get(0).contains("65536"), warnings.get(0));
        }
        assertEquals(2, routed.size());
        for (Exchange e : routed) {
            assertEquals("big", e.getMessage().getHeader("Subject"));
            assertNull(e.getMessage().getHeader("X-After"));
            int fillers = e.getMessage().getHeader("X-Filler", List.class).size();
            assertTrue(fillers > 60 && fillers < 70, "the complete fillers before the bound: " + fillers);
        }
    }
}
