package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.Test;

/**
 * Which store deleteAfter keeps its first-processed times in ({@link FirstProcessedTimes#of}): the state repository
 * when set, else the createdAt of camel-sql's JDBC repository (and its subclasses), else none (the endpoint refuses to
 * start). camel-sql is optional: without it on the class path, choosing a store loads no camel-sql class.
 */
class FirstProcessedTimesTest {

    private final Pop3RawConfiguration config = new Pop3RawConfiguration();

    @Test
    void theStateRepositoryWinsWhenSet() {
        config.setIdempotentRepository(new JdbcMessageIdRepository());
        config.setDeleteAfterStateRepository(new MemoryStateRepository());
        assertInstanceOf(StateRepositoryTimes.class, FirstProcessedTimes.of(config));
    }

    @Test
    void camelSqlsJdbcRepositoryAndItsSubclassesKeepTheirOwnTimes() {
        config.setIdempotentRepository(new JdbcMessageIdRepository());
        assertInstanceOf(JdbcCreatedAtTimes.class, FirstProcessedTimes.of(config));
        config.setIdempotentRepository(new JdbcOrphanLockAwareIdempotentRepository(new DefaultCamelContext()));
        assertInstanceOf(JdbcCreatedAtTimes.class, FirstProcessedTimes.of(config));
        assertTrue(FirstProcessedTimes.of(config).describe().contains("CAMEL_MESSAGEPROCESSED"));
    }

    @Test
    void anyOtherRepositoryHasNoPlaceForTheTimes() {
        config.setIdempotentRepository(new MemoryIdempotentRepository());
        assertNull(FirstProcessedTimes.of(config));
    }

    @Test
    void withoutCamelSqlOnTheClassPathNoCamelSqlClassIsLoaded() throws Exception {
        NoCamelSql loader = new NoCamelSql();
        Class<?> store = loader.loadClass(FirstProcessedTimes.class.getName());
        assertEquals(loader, store.getClassLoader(), "the isolated copy");
        Method of = store.getDeclaredMethod("of", Pop3RawConfiguration.class);
        of.setAccessible(true);
        config.setIdempotentRepository(new MemoryIdempotentRepository());
        assertNull(of.invoke(null, config));
        config.setDeleteAfterStateRepository(new MemoryStateRepository());
        assertNotNull(of.invoke(null, config));
        assertEquals(List.of(), loader.camelSqlAsked, "no camel-sql class was asked for");
        assertFalse(loader.defined.contains(JdbcCreatedAtTimes.class.getName()), "the JDBC store was never loaded");
    }

    /** Child first for deleteAfter's store classes, everything else from the test's loader, camel-sql hidden. */
    private static final class NoCamelSql extends ClassLoader {
        private static final Set<String> OWN = Set.of(FirstProcessedTimes.class.getName(),
                StateRepositoryTimes.class.getName(), JdbcCreatedAtTimes.class.getName());
        final List<String> camelSqlAsked = new CopyOnWriteArrayList<>();
        final List<String> defined = new CopyOnWriteArrayList<>();

        NoCamelSql() {
            super(FirstProcessedTimesTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (name.startsWith("org.apache.camel.processor.idempotent.jdbc.")
                        || name.startsWith("org.springframework.")) {
                    camelSqlAsked.add(name);
                    throw new ClassNotFoundException(name + " (hidden)");
                }
                if (!OWN.contains(name)) {
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
    }
}
