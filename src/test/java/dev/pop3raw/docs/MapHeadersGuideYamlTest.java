package dev.pop3raw.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.ScriptedMailbox;

/**
 * The YAML route of the user guide's section "Mail headers as camel-mail maps them" runs as printed (read from
 * docs/user-guide.adoc by its block anchor), against a {@link ScriptedMailbox}: an automatic reply is dropped, a
 * mail of the invoices list goes to direct:invoices, any other to direct:mail, and the bean's inFilter drops the
 * signature fields. Only the placeholders are given values (the local server and its account).
 */
class MapHeadersGuideYamlTest extends CamelTestSupport {

    private ScriptedMailbox stub;

    @Override
    protected void doPreSetup() throws Exception {
        super.doPreSetup();
        stub = ScriptedMailbox.start();
    }

    @AfterEach
    void stopStub() throws Exception {
        stub.close();
    }

    /** The values of the guide's placeholders: the local server and its account. */
    private Properties placeholders() {
        Properties p = new Properties();
        p.setProperty("mail.host", "127.0.0.1:" + stub.port());
        p.setProperty("mail.user", "alice");
        p.setProperty("mail.password", "s3cret-pw");
        return p;
    }

    private static String mail(String subject, String extraFields) {
        return "From: =?UTF-8?Q?J=C3=B6rg?= <joerg@example.com>\r\nSubject: " + subject + "\r\n" + extraFields
                + "DKIM-Signature: v=1; a=rsa-sha256; d=example.com;\r\n b=abc\r\n\r\nbody\r\n";
    }

    @Test
    void theGuidesRouteDropsAutoRepliesAndSortsByListId() throws Exception {
        stub.add("reply", mail("Out of office", "Auto-Submitted: auto-replied\r\n"));
        stub.add("invoice", mail("=?UTF-8?Q?Rechnung_M=C3=A4rz?=", "List-Id: Invoices <invoices.example.com>\r\n"));
        stub.add("other", mail("Hello", "Auto-Submitted: no\r\n"));
        MockEndpoint invoices = getMockEndpoint("mock:invoices");
        MockEndpoint other = getMockEndpoint("mock:mail");
        invoices.expectedBodiesReceived(java.util.List.of("Rechnung März"));
        other.expectedBodiesReceived(java.util.List.of("Hello"));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:invoices").setBody(header("Subject")).to("mock:invoices");
                from("direct:mail").setBody(header("Subject")).to("mock:mail");
            }
        });
        context.getPropertiesComponent().setOverrideProperties(placeholders());
        String guide = Files.readString(Path.of("docs/user-guide.adoc"), StandardCharsets.UTF_8);
        PluginHelper.getRoutesLoader(context).loadRoutes(
                ResourceHelper.fromString("map-headers.yaml", OAuth2GuideYamlTest.block(guide, "map-headers-yaml")));

        MockEndpoint.assertIsSatisfied(context, 15, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("Jörg <joerg@example.com>", invoices.getReceivedExchanges().get(0).getMessage().getHeader("From"));
        assertFalse(other.getReceivedExchanges().get(0).getMessage().getHeaders().containsKey("DKIM-Signature"),
                "the bean's inFilter drops the signature");
        assertTrue(stub.retrieved.contains("reply"), "the automatic reply was retrieved, and dropped by the filter");
    }
}
