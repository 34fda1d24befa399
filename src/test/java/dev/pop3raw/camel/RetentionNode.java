package dev.pop3raw.camel;

import java.util.List;
import java.util.Map;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import dev.pop3raw.testing.SettableClock;

/**
 * One start of an application that consumes a mailbox with deleteAfter: its own CamelContext with the beans the test
 * hands it (the repositories, which outlive the node as a database outlives an application), its endpoint on the
 * test's clock, polls driven by the test (the URI has startScheduler=false). A restart is a new node on the same
 * repositories; a move to another node is a second one beside it.
 */
final class RetentionNode implements AutoCloseable {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    final Pop3RawEndpoint endpoint;
    final Pop3RawConsumer consumer;

    /** @param routed receives the UIDL of every message the route handles */
    RetentionNode(String uri, SettableClock clock, Map<String, Object> beans, List<String> routed) throws Exception {
        beans.forEach(camel.getRegistry()::bind);
        endpoint = camel.getEndpoint(uri, Pop3RawEndpoint.class);
        endpoint.setClock(clock);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(endpoint).routeId("pop")
                        .process(e -> routed.add(e.getMessage().getHeader(Pop3RawConstants.UIDL, String.class)));
            }
        });
        camel.start();
        consumer = (Pop3RawConsumer) camel.getRoute("pop").getConsumer();
    }

    int poll() throws Exception {
        return consumer.poll();
    }

    /** Stops the node; the beans are not closed (the test's repositories live on). */
    @Override
    public void close() {
        camel.stop();
    }
}
