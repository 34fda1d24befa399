package dev.pop3raw.camel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Loaded by {@link Mime4jOptionalTest} in a class loader that does not see Mime4j: a {@code pop3raw:} route consumes a
 * message of the mailbox on {@code port}, then tries to split it into its attachments.
 */
public final class WithoutMime4jRoute {

    private WithoutMime4jRoute() {
    }

    /** "subject=... error=..." once the message was consumed and its split failed. */
    public static String run(int port) throws Exception {
        CompletableFuture<String> result = new CompletableFuture<>();
        CamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(Exception.class).handled(true)
                        .process(e -> result.complete("subject=" + e.getIn().getHeader(Pop3RawConstants.SUBJECT)
                                + " error=" + e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()));
                from(Pop3RawCamelTestSupport.uri(port, "tls=none&delete=true")).routeId("without-mime4j")
                        .split(method(Pop3RawAttachments.class, "attachments")).streaming().to("log:never");
            }
        });
        camel.start();
        try {
            return result.get(30, TimeUnit.SECONDS);
        } finally {
            camel.stop();
        }
    }
}
