package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/** The same mailbox consumed by a YAML DSL route and by a Java DSL route. */
class Pop3RawDslRoutesTest extends Pop3RawTestSupport {

    @Test
    void yamlRoute() throws Exception {
        deliver(mail("from yaml", "x"));
        String uidl = listing().get(0).uidl();
        MockEndpoint mock = getMockEndpoint("mock:yaml");
        mock.expectedMessageCount(1);
        mock.expectedHeaderReceived(Pop3RawConstants.SUBJECT, "from yaml");
        String yaml = """
                - route:
                    id: yaml-pop
                    from:
                      uri: pop3raw:127.0.0.1:%d
                      parameters:
                        username: alice
                        password: "RAW(%s)"
                        tls: none
                        delete: true
                        oversizeAction: skip
                        maxMessageSize: 1000000
                        initialDelay: 0
                        delay: 150
                        readTimeout: 5s
                      steps:
                        - setHeader:
                            name: uidl
                            simple: "${exchangeId}"
                        - to: mock:yaml
                """.formatted(port, PASSWORD);
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("memory-pop.yaml", yaml));
        mock.assertIsSatisfied(15_000);
        assertEquals(uidl, mock.getReceivedExchanges().get(0).getIn().getHeader("uidl"));
        await(() -> {
            try {
                return listing().isEmpty();
            } catch (Exception e) {
                return false;
            }
        }, "deleted");
    }

    @Test
    void javaDslRoute() throws Exception {
        deliver(mail("from java", "x"));
        MockEndpoint mock = getMockEndpoint("mock:java");
        mock.expectedMessageCount(1);
        mock.expectedHeaderReceived(Pop3RawConstants.SUBJECT, "from java");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pop3raw:127.0.0.1:" + port + "?username=alice&password=RAW(" + PASSWORD + ")"
                        + "&tls=auto&delete=true&initialDelay=0&delay=150")
                        .routeId("java-pop")
                        .filter(header(Pop3RawConstants.SUBJECT).isNotNull())
                        .to("mock:java");
            }
        });
        mock.assertIsSatisfied(15_000);
    }
}
