package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.health.ConsumersHealthCheckRepository;
import org.apache.camel.impl.health.DefaultHealthCheckRegistry;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.FaultyProxy;
import dev.pop3raw.testing.GreenMailMailbox;
import dev.pop3raw.testing.LogCapture;
import dev.pop3raw.testing.ScriptedMailbox;
import dev.pop3raw.testing.ScriptedPop3Server;

/** JMX attributes, health-check states, bridgeErrorHandler and the masking of secrets. */
class Pop3RawOperationsTest extends Pop3RawCamelTestSupport {

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withEnableJMX();
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext camel = super.createCamelContext();
        // what camel-main does when health checks are enabled: a registry with the consumers repository
        DefaultHealthCheckRegistry registry = new DefaultHealthCheckRegistry();
        registry.setCamelContext(camel);
        camel.getCamelContextExtension().addContextPlugin(HealthCheckRegistry.class, registry);
        ConsumersHealthCheckRepository consumers = new ConsumersHealthCheckRepository();
        consumers.setCamelContext(camel);
        registry.register(consumers);
        return camel;
    }

    private Pop3RawEndpoint endpoint() {
        return (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
    }

    private Optional<HealthCheck.Result> consumerHealth() {
        Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(context);
        return results.stream().filter(r -> r.getCheck().getId().contains("pop")).filter(
                r -> r.getCheck().getId().startsWith("consumer")).findFirst();
    }

    @Test
    @UsesGreenMail
    void jmxAttributesCountWhatHappened() throws Exception {
        try (GreenMailMailbox greenMail = GreenMailMailbox.start(USER, PASSWORD)) {
            jmxAttributesCountWhatHappened(greenMail);
        }
    }

    private void jmxAttributesCountWhatHappened(GreenMailMailbox greenMail) throws Exception {
        int port = greenMail.port();
        String raw = mail("jmx", "payload");
        greenMail.deliver(raw);
        long size = greenMail.retrieveRaw(greenMail.listing().get(0).number()).length;
        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(port, "delete=true&debugLevel=2")).routeId("pop").to("mock:out");
            }
        });
        mock.assertIsSatisfied(15_000);
        await(() -> endpoint().getMessagesDeleted() == 1, "deletion committed");

        MBeanServer mbeans = context.getManagementStrategy().getManagementAgent().getMBeanServer();
        ObjectName name = context.getManagementStrategy().getManagementObjectNameStrategy()
                .getObjectNameForEndpoint(endpoint());
        assertTrue(mbeans.isRegistered(name), name.toString());
        assertEquals(1L, mbeans.getAttribute(name, "MessagesConsumed"));
        assertEquals(size, mbeans.getAttribute(name, "BytesConsumed"));
        assertEquals(1L, mbeans.getAttribute(name, "MessagesDeleted"));
        assertEquals(0L, mbeans.getAttribute(name, "PollFailures"));
        assertEquals(0L, mbeans.getAttribute(name, "MessagesFailed"));
        assertTrue(((String) mbeans.getAttribute(name, "ServerCapabilities")).contains("UIDL"));
        assertFalse(((String) mbeans.getAttribute(name, "LastPollTime")).isEmpty());
        assertEquals("alice@127.0.0.1:" + port, mbeans.getAttribute(name, "Mailbox"));
        String jmxUri = String.valueOf(mbeans.getAttribute(name, "EndpointUri"));
        assertFalse(jmxUri.contains(PASSWORD), jmxUri);
        assertFalse(name.toString().contains(PASSWORD), name.toString());
        assertNotNull(ManagementFactory.getPlatformMBeanServer());
    }

    @Test
    void healthIsUpAfterLoginAndDownWithThePop3Error() throws Exception {
        ScriptedMailbox stub = ScriptedMailbox.start();
        try {
            stub.passReply = "-ERR [AUTH] invalid credentials";
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(stub.port(), "delete=true")).routeId("pop").to("mock:out");
                }
            });
            await(() -> consumerHealth().map(r -> r.getState() == HealthCheck.State.DOWN
                    && r.getError().isPresent()).orElse(false),
                    "DOWN with the error while the login fails");
            HealthCheck.Result down = consumerHealth().orElseThrow();
            String detail = down.getMessage().orElse("") + " " + down.getError().map(Throwable::getMessage).orElse("");
            assertTrue(detail.contains("[AUTH]"), detail);
            assertFalse(detail.contains(PASSWORD), detail);

            stub.passReply = "+OK";
            await(() -> consumerHealth().map(r -> r.getState() == HealthCheck.State.UP).orElse(false),
                    "UP after a successful login");

            stub.passReply = "-ERR [SYS/PERM] account disabled";
            await(() -> consumerHealth().map(r -> r.getState() == HealthCheck.State.DOWN
                    && r.getError().map(Throwable::getMessage).orElse("")
                            .contains("[SYS/PERM]"))
                    .orElse(false),
                    "DOWN again with the POP3 error once polls fail");
        } finally {
            stub.close();
        }
    }

    @Test
    void healthIsNotReadyWhileTheMaildropIsInUseBeforeTheFirstLogin() throws Exception {
        ScriptedMailbox stub = ScriptedMailbox.start();
        try {
            stub.passReply = "-ERR [IN-USE] locked";
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(stub.port(), "delete=true&inUseDelay=300")).routeId("pop").to("mock:out");
                }
            });
            await(() -> stub.sessions.size() >= 2, "two refused sessions");
            HealthCheck.Result result = consumerHealth().orElseThrow();
            assertEquals(HealthCheck.State.DOWN, result.getState());
            assertTrue(result.getMessage().orElse("").contains("not yet polled"), result.getMessage().toString());
            assertEquals(0L, endpoint().getPollFailures(), "[IN-USE] is not an error");
            stub.passReply = "+OK";
            await(() -> consumerHealth().map(r -> r.getState() == HealthCheck.State.UP).orElse(false),
                    "UP after the first successful login");
        } finally {
            stub.close();
        }
    }

    @Test
    void healthIsDownBeforeAnyLoginWhenTheServerIsUnreachable() throws Exception {
        int deadPort = ScriptedPop3Server.unusedPort();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(deadPort, "delete=true")).routeId("pop").to("mock:out");
            }
        });
        await(() -> consumerHealth().map(r -> r.getState() == HealthCheck.State.DOWN
                && r.getError().isPresent()).orElse(false),
                "DOWN with the error: connection refused");
        assertTrue(consumerHealth().orElseThrow().getMessage().orElse("").contains("failed polling"));
    }

    @Test
    void bridgeErrorHandlerRoutesPollErrorsToTheErrorHandler() throws Exception {
        ScriptedMailbox stub = ScriptedMailbox.start();
        try {
            stub.passReply = "-ERR [AUTH] invalid credentials";
            MockEndpoint dead = getMockEndpoint("mock:dead");
            dead.expectedMinimumMessageCount(1);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    errorHandler(deadLetterChannel("mock:dead"));
                    from(uri(stub.port(), "delete=true&bridgeErrorHandler=true")).routeId("pop").to("mock:out");
                }
            });
            dead.assertIsSatisfied(15_000);
            Exception cause = dead.getReceivedExchanges().get(0).getProperty(Exchange.EXCEPTION_CAUGHT,
                    Exception.class);
            assertNotNull(cause);
            assertTrue(CatalogValidationTest.rootMessages(cause).contains("[AUTH]"),
                    CatalogValidationTest.rootMessages(cause));
        } finally {
            stub.close();
        }
    }

    @Test
    @UsesGreenMail
    void thePasswordIsMaskedAndNeverLogged() throws Exception {
        try (GreenMailMailbox greenMail = GreenMailMailbox.start(USER, PASSWORD)) {
            thePasswordIsMaskedAndNeverLogged(greenMail);
        }
    }

    private void thePasswordIsMaskedAndNeverLogged(GreenMailMailbox greenMail) throws Exception {
        int port = greenMail.port();
        greenMail.deliver(mail("mask", "x"));
        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(1);
        // a proxy in front of GreenMail shows what the session really sent: the credentials must go over the wire
        // (else a log without them proves nothing); the log captured is this test's own, at every level
        try (FaultyProxy wire = FaultyProxy.start("127.0.0.1", port).recordClientChunks(true);
                LogCapture log = LogCapture.everything()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(wire.port(), "delete=true&debugLevel=2")).routeId("pop").to("mock:out");
                }
            });
            mock.assertIsSatisfied(15_000);
            context.getRouteController().stopRoute("pop");

            String sent = wire.connections().stream().flatMap(c -> c.clientChunks().stream())
                    .collect(java.util.stream.Collectors.joining());
            String plainResponse = java.util.Base64.getEncoder()
                    .encodeToString(("\0" + USER + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertTrue(sent.contains("PASS " + PASSWORD + "\r\n") || sent.contains(plainResponse),
                    "the session sent the password (PASS or AUTH PLAIN): " + sent.replace(PASSWORD, "<pw>"));
            // Camel core prints the endpoint URI while it creates the endpoint, below INFO (documented in
            // docs/reliability.adoc, "Where a secret can still appear: Camel itself"): those lines are left out
            String text = log.lines().stream().filter(l -> !Pop3RawSecretsTest.camelCoreEndpointCreation(l))
                    .collect(java.util.stream.Collectors.joining("\n"));
            assertTrue(text.contains(" C: AUTH PLAIN " + WIRE_REDACTED) || text.contains(" C: PASS " + WIRE_REDACTED),
                    "the wire log shows the credential command, redacted");
            assertFalse(text.contains(PASSWORD), "the password is in the log: " + text.lines()
                    .filter(l -> l.contains(PASSWORD)).map(l -> l.substring(0, Math.min(200, l.length()))).toList());
            assertFalse(text.contains(plainResponse), "the AUTH PLAIN response (base64 of the password) is in the log");
        }
        Pop3RawEndpoint endpoint = endpoint();
        assertFalse(endpoint.toString().contains(PASSWORD), endpoint.toString());
        assertTrue(endpoint.toString().contains("password=xxxxxx"), endpoint.toString());
        assertFalse(endpoint.getEndpointUri().contains(PASSWORD), endpoint.getEndpointUri());
        assertFalse(endpoint.getEndpointBaseUri().contains(PASSWORD));
        assertFalse(endpoint.getMailbox().contains(PASSWORD));
        assertFalse(String.valueOf(mock.getReceivedExchanges().get(0).getIn().getHeaders()).contains(PASSWORD));
    }

    /** The client's redaction marker (dev.pop3raw.client.WireLog.REDACTED, package-private). */
    private static final String WIRE_REDACTED = "<redacted>";
}
