package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;

/** The consumer's own state, as an operator reads it over JMX (beside the endpoint's counters). */
class Pop3RawConsumerManagedAttributesTest extends Pop3RawTestSupport {

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withEnableJMX();
    }

    @Test
    void inFlightExchangesAndTheConfirmedKeyCacheAreManagedAttributes() throws Exception {
        context.getRegistry().bind("repo", MemoryIdempotentRepository.memoryIdempotentRepository());
        for (String subject : new String[]{"a", "b", "c"}) {
            deliver(mail(subject, subject));
        }
        CountDownLatch routing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("idempotentRepository=#repo")).routeId("pop").process(e -> {
                    routing.countDown();
                    assertTrue(release.await(30, TimeUnit.SECONDS), "released by the test");
                });
            }
        });
        assertTrue(routing.await(30, TimeUnit.SECONDS), "the first exchange reached the route");

        MBeanServer mbeans = context.getManagementStrategy().getManagementAgent().getMBeanServer();
        ObjectName name = context.getManagementStrategy().getManagementObjectNameStrategy()
                .getObjectNameForConsumer(context, context.getRoute("pop").getConsumer());
        assertTrue(mbeans.isRegistered(name), name.toString());
        assertEquals(1, mbeans.getAttribute(name, "InFlightCount"), "one exchange held by the route");
        assertEquals(0, mbeans.getAttribute(name, "ConfirmedKeyCacheSize"), "nothing completed yet");

        release.countDown();
        await(() -> ((Pop3RawConsumer) context.getRoute("pop").getConsumer()).getConfirmedKeyCacheSize() == 3,
                "three exchanges completed");
        assertEquals(0, mbeans.getAttribute(name, "InFlightCount"));
        assertEquals(3, mbeans.getAttribute(name, "ConfirmedKeyCacheSize"));
        assertEquals(0, mbeans.getAttribute(name, "PendingDeletionCount"), "idempotent mode deletes nothing");
        assertEquals(0, mbeans.getAttribute(name, "OversizeOnWireCount"));
    }
}
