package dev.pop3raw.camel;

import static dev.pop3raw.camel.Pop3RawCamelTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.health.ConsumersHealthCheckRepository;
import org.apache.camel.impl.health.DefaultHealthCheckRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.FailingMemoryRepository;

/**
 * A poll that fails, with an exception or with an Error (the heap ran out), is reported in the consumer's health check
 * with its reason, and the consumer goes on polling: the next poll opens a fresh session and, once one succeeds, the
 * health check is UP again. An Error that reached Camel's scheduler would cancel the periodic task: no more polls,
 * while the route still reports Started.
 */
class Pop3RawPollErrorTest extends ScriptedMailboxTestSupport {

    private final FailingMemoryRepository repository = new FailingMemoryRepository();

    @BeforeEach
    void mailbox() throws Exception {
        stub.add("m1", "Subject: one\r\n\r\nthe only message\r\n");
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext camel = super.createCamelContext();
        // what camel-main does with camel.health.enabled and consumers-enabled
        DefaultHealthCheckRegistry registry = new DefaultHealthCheckRegistry();
        registry.setCamelContext(camel);
        camel.getCamelContextExtension().addContextPlugin(HealthCheckRegistry.class, registry);
        ConsumersHealthCheckRepository consumers = new ConsumersHealthCheckRepository();
        consumers.setCamelContext(camel);
        registry.register(consumers);
        camel.getRegistry().bind("repo", repository);
        return camel;
    }

    @Test
    void aPollThatEndsInAnErrorIsReportedDownAndTheNextPollsRun() throws Exception {
        assertPollingSurvives(() -> new OutOfMemoryError("injected: Java heap space"), "java.lang.OutOfMemoryError");
    }

    @Test
    void aPollThatFailsWithAnExceptionIsReportedDownAndRecovers() throws Exception {
        assertPollingSurvives(() -> new IllegalStateException("injected: repository down"), "repository down");
    }

    /**
     * The repository throws {@code failure} in every poll (after the login and the listing) until the health check has
     * been seen DOWN with {@code reason} over several fresh sessions; then it answers, the message is routed, and the
     * health check is UP.
     */
    private void assertPollingSurvives(Supplier<Throwable> failure, String reason) throws Exception {
        repository.containsFailure = failure;
        MockEndpoint out = getMockEndpoint("mock:out");
        out.expectedMessageCount(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(Pop3RawCamelTestSupport.uri(stub.port(), "idempotentRepository=#repo")).routeId("pop")
                        .to("mock:out");
            }
        });
        await(() -> stub.sessions.size() >= 3, "three sessions: polling goes on after failed polls");
        HealthCheck.Result down = consumerHealth().orElseThrow();
        assertEquals(HealthCheck.State.DOWN, down.getState());
        String detail = down.getError().map(Throwable::toString).orElse("") + " "
                + down.getError().map(Throwable::getCause).map(Throwable::toString).orElse("");
        assertTrue(detail.contains(reason), detail);
        Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
        assertTrue(endpoint.getPollFailures() >= 2, "poll failures: " + endpoint.getPollFailures());
        assertTrue(endpoint.getLastError().contains("injected"), endpoint.getLastError());
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("pop"));

        repository.containsFailure = null;
        out.assertIsSatisfied(15_000);
        await(() -> consumerHealth().map(r -> r.getState() == HealthCheck.State.UP).orElse(false),
                "UP again after a successful poll");
        assertEquals("", endpoint.getLastError());
    }

    @Test
    void anErrorIsTheCauseOfThePollFailure() throws Exception {
        repository.containsFailure = () -> new StackOverflowError("injected");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(Pop3RawCamelTestSupport.uri(stub.port(), "idempotentRepository=#repo")).routeId("pop")
                        .to("mock:out");
            }
        });
        await(() -> consumerHealth().flatMap(HealthCheck.Result::getError).isPresent(), "the failure is reported");
        Throwable error = consumerHealth().flatMap(HealthCheck.Result::getError).orElseThrow();
        assertInstanceOf(Pop3RawPollErrorException.class, error);
        assertInstanceOf(StackOverflowError.class, error.getCause());
    }

    /**
     * An Error thrown by the route fails that exchange (Camel's error handling takes any Throwable): the message is not
     * deleted and is offered again, and polling goes on.
     */
    @Test
    void anErrorInTheRouteFailsOnlyItsExchange() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(Pop3RawCamelTestSupport.uri(stub.port(), "delete=true")).routeId("pop").process(e -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new OutOfMemoryError("injected in the route");
                    }
                });
            }
        });
        await(() -> attempts.get() >= 2, "the message is offered again");
        await(() -> stub.uidls().isEmpty(), "deleted after the second, successful exchange");
        Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
        assertEquals(1, endpoint.getMessagesFailed());
    }

    private Optional<HealthCheck.Result> consumerHealth() {
        Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(context);
        return results.stream().filter(r -> r.getCheck().getId().startsWith("consumer"))
                .filter(r -> r.getCheck().getId().contains("pop")).findFirst();
    }
}
