package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

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
        try (NoMicrometer loader = new NoMicrometer()) {
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
            assertEquals(List.of(), loader.micrometerAsked.stream().filter(n -> !n.equals(
                    MicrometerMetrics.METER_REGISTRY_CLASS)).toList(), "only the probe asked for Micrometer");
            assertFalse(loader.defined.contains(Pop3RawMeters.class.getName()), "the binding class was never loaded");
        }
    }

    /**
     * Loads the guard and the binding class itself (child first) and everything else from the test's class loader,
     * except Micrometer, which it does not have.
     */
    private static final class NoMicrometer extends ClassLoader implements AutoCloseable {
        private static final Set<String> OWN = Set.of(MicrometerMetrics.class.getName(), Pop3RawMeters.class.getName());
        final List<String> micrometerAsked = new CopyOnWriteArrayList<>();
        final List<String> defined = new CopyOnWriteArrayList<>();

        NoMicrometer() {
            super(Pop3RawMicrometerTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (name.startsWith("io.micrometer.")) {
                    micrometerAsked.add(name);
                    throw new ClassNotFoundException(name + " (hidden)");
                }
                if (!OWN.contains(name) && !name.startsWith(MicrometerMetrics.class.getName() + "$")) {
                    return super.loadClass(name, resolve);
                }
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        byte[] bytes = in.readAllBytes();
                        c = defineClass(name, bytes, 0, bytes.length);
                        defined.add(name);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return c;
            }
        }

        @Override
        public void close() {
        }
    }
}
