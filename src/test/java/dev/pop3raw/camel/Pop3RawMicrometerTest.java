package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.HidingClassLoader;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Micrometer meters with the JMX attributes' names when a MeterRegistry is bound; and, with Micrometer off the class
 * path, nothing at all: no Micrometer class is loaded and the binding is a no-op.
 */
class Pop3RawMicrometerTest extends ScriptedMailboxTestSupport {

    @Test
    void withAMeterRegistryBoundTheCountersFollowThePolls() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        context.getRegistry().bind("myMeters", registry); // the only one: found by type
        String one = "Subject: one\r\n\r\nfirst\r\n";
        String two = "Subject: two\r\n\r\nsecond body\r\n";
        stub.add("u1", one);
        stub.add("u2", two);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stub.port(), "delete=true")).routeId("pop").to("mock:out");
            }
        });
        await(() -> stub.uidls().isEmpty(), "both deleted");
        String mailbox = "alice@127.0.0.1:" + stub.port();
        await(() -> count(registry, "MessagesDeleted", mailbox) == 2, "MessagesDeleted 2");
        assertEquals(2, count(registry, "MessagesConsumed", mailbox));
        assertEquals(one.length() + two.length(), count(registry, "BytesConsumed", mailbox));
        assertEquals(0, count(registry, "MessagesFailed", mailbox));
        assertEquals(0, count(registry, "PollFailures", mailbox));
        Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
        double polls = count(registry, "Polls", mailbox);
        assertTrue(polls >= 1 && polls <= endpoint.getPolls(), "Polls " + polls);
        assertEquals(0, registry.get("pop3raw.InFlightCount").tag("mailbox", mailbox).gauge().value());
        for (String jmx : List.of("Polls", "PollFailures", "MessagesConsumed", "BytesConsumed", "MessagesFailed",
                "MessagesDeleted", "RetrievalFailures", "SkippedInvalidUidl", "SkippedOversize", "SkippedBusy")) {
            assertTrue(registry.find("pop3raw." + jmx).tag("routeId", "pop").functionCounter() != null, jmx);
        }

        context.getRouteController().stopRoute("pop");
        assertNull(registry.find("pop3raw.Polls").functionCounter(), "removed when the consumer stops");
    }

    private static double count(SimpleMeterRegistry registry, String jmxName, String mailbox) {
        FunctionCounter counter = registry.find("pop3raw." + jmxName).tag("mailbox", mailbox).functionCounter();
        return counter == null ? -1 : counter.count();
    }

    @Test
    void withoutMicrometerOnTheClassPathNoMicrometerClassIsLoadedAndNothingIsBound() throws Exception {
        HidingClassLoader loader = HidingClassLoader.copying(List.of("io.micrometer."), MicrometerMetrics.class,
                Pop3RawMeters.class);
        Class<?> guard = loader.loadClass(MicrometerMetrics.class.getName());
        assertEquals(loader, guard.getClassLoader(), "the guard is the isolated copy");
        Field present = guard.getDeclaredField("PRESENT");
        present.setAccessible(true);
        assertFalse(present.getBoolean(null), "Micrometer is hidden from this loader");
        Method bind = guard.getDeclaredMethod("bind", org.apache.camel.CamelContext.class, Map.class, Map.class,
                Map.class);
        bind.setAccessible(true);
        Map<String, Supplier<Number>> counters = Map.of("Polls", () -> 1);
        AutoCloseable binding = (AutoCloseable) bind.invoke(null, context, Map.of("mailbox", "m"), counters,
                Map.of());
        binding.close();
        assertEquals(List.of(), loader.hiddenAsked().stream().filter(n -> !n.equals(
                MicrometerMetrics.METER_REGISTRY_CLASS)).toList(), "only the probe asked for Micrometer");
        assertFalse(loader.defined().contains(Pop3RawMeters.class.getName()), "the binding class was never loaded");
    }
}
