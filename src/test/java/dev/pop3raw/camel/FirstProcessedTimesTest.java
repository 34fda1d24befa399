package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.List;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.HidingClassLoader;

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
        HidingClassLoader loader = HidingClassLoader.copying(
                List.of("org.apache.camel.processor.idempotent.jdbc.", "org.springframework."),
                FirstProcessedTimes.class, StateRepositoryTimes.class, JdbcCreatedAtTimes.class);
        Class<?> store = loader.loadClass(FirstProcessedTimes.class.getName());
        assertEquals(loader, store.getClassLoader(), "the isolated copy");
        Method of = store.getDeclaredMethod("of", Pop3RawConfiguration.class);
        of.setAccessible(true);
        config.setIdempotentRepository(new MemoryIdempotentRepository());
        assertNull(of.invoke(null, config));
        config.setDeleteAfterStateRepository(new MemoryStateRepository());
        assertNotNull(of.invoke(null, config));
        assertEquals(List.of(), loader.hiddenAsked(), "no camel-sql class was asked for");
        assertFalse(loader.defined().contains(JdbcCreatedAtTimes.class.getName()), "the JDBC store was never loaded");
    }
}
