package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.camel.CamelContext;
import org.apache.camel.catalog.EndpointValidationResult;
import org.apache.camel.catalog.impl.DefaultRuntimeCamelCatalog;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Endpoint URIs validate against the generated metadata with Camel's catalog (camel-core-catalog). */
class CatalogValidationTest {

    private CamelContext context;
    private DefaultRuntimeCamelCatalog catalog;

    @BeforeEach
    void setUp() throws Exception {
        context = new DefaultCamelContext();
        catalog = new DefaultRuntimeCamelCatalog();
        catalog.setCamelContext(context);
        catalog.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        context.close();
    }

    private EndpointValidationResult validate(String uri) {
        return catalog.validateEndpointProperties(uri);
    }

    @Test
    void goodUrisValidate() {
        for (String uri : new String[]{
                "pop3raw:pop.example.com?username=alice&password=secret&delete=true",
                "pop3raw:pop.example.com:995?username=alice&password=secret&tls=implicit&idempotentRepository=#repo",
                "pop3raw:localhost:1110?username=a&password=b&delete=true&tls=none&oversizeAction=delete"
                        + "&maxMessageSize=1000000&maxMessagesPerPoll=50&pipelining=false&debugLevel=1&delay=30000"
                        + "&backoffMultiplier=2&backoffErrorThreshold=3&readTimeout=30s&bridgeErrorHandler=true",
                "pop3raw:pop.example.com?username=alice&accessTokenProvider=#tokens&authMechanism=XOAUTH2&delete=true"}) {
            EndpointValidationResult result = validate(uri);
            assertTrue(result.isSuccess(), uri + ": " + result.summaryErrorMessage(false));
        }
    }

    @Test
    void badUrisAreRejectedWithReasons() {
        EndpointValidationResult unknown = validate("pop3raw:pop.example.com?username=a&password=b&delet=true");
        assertFalse(unknown.isSuccess());
        assertTrue(unknown.getUnknown().contains("delet"));

        EndpointValidationResult badEnum = validate("pop3raw:pop.example.com?username=a&tls=sometimes");
        assertFalse(badEnum.isSuccess());
        assertTrue(badEnum.getInvalidEnum().containsKey("tls"));

        EndpointValidationResult badNumber = validate("pop3raw:pop.example.com:pop?username=a");
        assertFalse(badNumber.isSuccess());

        EndpointValidationResult badBoolean = validate("pop3raw:pop.example.com?delete=maybe");
        assertFalse(badBoolean.isSuccess());
        assertTrue(badBoolean.getInvalidBoolean().containsKey("delete"));

        EndpointValidationResult badOversize = validate("pop3raw:pop.example.com?oversizeAction=explode");
        assertFalse(badOversize.isSuccess());
    }

    @Test
    void runtimeRejectsBadOptionsClearly() {
        Exception e = assertThrows(Exception.class,
                () -> context.getEndpoint("pop3raw:pop.example.com?username=a&password=b&delete=true&tls=sometimes"));
        assertTrue(rootMessages(e).contains("tls"), rootMessages(e));
        Exception port = assertThrows(Exception.class,
                () -> context.getEndpoint("pop3raw:pop.example.com:99999?username=a&password=b&delete=true"));
        assertTrue(rootMessages(port).contains("between 1 and 65535"), rootMessages(port));
        Exception claim = assertThrows(Exception.class, () -> context.getEndpoint(
                "pop3raw:pop.example.com?username=a&password=b&delete=true&claimTimeout=0").init());
        assertTrue(rootMessages(claim).contains("claimTimeout must be positive"), rootMessages(claim));
        Exception producer = assertThrows(UnsupportedOperationException.class,
                () -> context.getEndpoint("pop3raw:pop.example.com?username=a&password=b&delete=true")
                        .createProducer());
        assertTrue(producer.getMessage().contains("consumer-only"));
    }

    @Test
    void defaultsAndOptionsReachTheConsumer() throws Exception {
        Pop3RawEndpoint endpoint = context.getEndpoint(
                "pop3raw:pop.example.com?username=a&password=b&delete=true&tls=implicit&oversizeAction=FAIL",
                Pop3RawEndpoint.class);
        Pop3RawConsumer consumer = (Pop3RawConsumer) endpoint.createConsumer(exchange -> {
        });
        org.junit.jupiter.api.Assertions.assertEquals(60_000, consumer.getDelay(), "POP3 default poll delay");
        org.junit.jupiter.api.Assertions.assertEquals(995, endpoint.getConfiguration().effectivePort());
        org.junit.jupiter.api.Assertions.assertEquals("a@pop.example.com:995", endpoint.getMailbox());
        org.junit.jupiter.api.Assertions.assertEquals(OversizeAction.FAIL,
                endpoint.getConfiguration().getOversizeAction());
        Pop3RawEndpoint fast = context.getEndpoint(
                "pop3raw:[::1]:1110?username=a&password=b&delete=true&delay=5s", Pop3RawEndpoint.class);
        org.junit.jupiter.api.Assertions.assertEquals(5000,
                ((Pop3RawConsumer) fast.createConsumer(exchange -> {
                })).getDelay());
        org.junit.jupiter.api.Assertions.assertEquals("::1", fast.getConfiguration().getHost());
        org.junit.jupiter.api.Assertions.assertEquals(1110, fast.getConfiguration().getPort());
    }

    static String rootMessages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append(" | ");
        }
        return b.toString();
    }
}
