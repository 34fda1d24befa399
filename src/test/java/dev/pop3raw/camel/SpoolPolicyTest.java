package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.StreamCachingStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which settings decide when a message leaves the heap, against a started context's real strategy. */
class SpoolPolicyTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path temp;

    private CamelContext camel;

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
    }

    @Test
    void withCamelsDefaultsTheBoundIsOneMib() {
        SpoolPolicy policy = policy(strategy -> {
        }, new Pop3RawConfiguration());
        assertFalse(policy.spools(MIB));
        assertTrue(policy.spools(MIB + 1));
        assertEquals(MIB, policy.heapBound());
        assertTrue(policy.directory().getName().startsWith("own"), "the component's directory");
    }

    @Test
    void whenTheContextSpoolsItsThresholdDecidesAndItsDirectoryIsUsed() {
        File dir = temp.resolve("camel-spool").toFile();
        SpoolPolicy policy = policy(strategy -> {
            strategy.setSpoolEnabled(true);
            strategy.setSpoolThreshold(16 * 1024);
            strategy.setSpoolDirectory(dir);
        }, new Pop3RawConfiguration());
        assertFalse(policy.spools(16 * 1024));
        assertTrue(policy.spools(16 * 1024 + 1));
        assertEquals(dir, policy.directory());
    }

    @Test
    void theContextsLargerThresholdWinsOverTheDefaultOneMibWhenItSpools() {
        SpoolPolicy policy = policy(strategy -> {
            strategy.setSpoolEnabled(true);
            strategy.setSpoolThreshold(4 * MIB);
        }, new Pop3RawConfiguration());
        assertFalse(policy.spools(2 * MIB), "the user's 4 MiB, not the component's 1 MiB");
        assertTrue(policy.spools(4 * MIB + 1));
    }

    @Test
    void whenTheContextSpoolsWithoutASizeRuleSpoolThresholdStillBoundsTheHeap() {
        SpoolPolicy policy = policy(strategy -> {
            strategy.setSpoolEnabled(true);
            strategy.setSpoolThreshold(-1);
        }, new Pop3RawConfiguration());
        assertFalse(policy.spools(MIB));
        assertTrue(policy.spools(MIB + 1));
    }

    @Test
    void aCipherWithoutSpoolingIsRefusedUnlessEverythingStaysInTheHeap() {
        Consumer<StreamCachingStrategy> cipher = strategy -> strategy.setSpoolCipher("AES/CTR/NoPadding");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> policy(cipher, new Pop3RawConfiguration()));
        assertTrue(e.getMessage().contains("cipher"), e.getMessage());
        camel.stop();
        Pop3RawConfiguration inHeap = new Pop3RawConfiguration();
        inHeap.setSpoolThreshold(0);
        SpoolPolicy policy = policy(cipher, inHeap);
        assertTrue(policy.encrypted());
        assertFalse(policy.spools(Long.MAX_VALUE / 2));
    }

    private SpoolPolicy policy(Consumer<StreamCachingStrategy> setup, Pop3RawConfiguration config) {
        camel = new DefaultCamelContext();
        setup.accept(camel.getStreamCachingStrategy());
        camel.start(); // the strategy takes its rules and resolves its directory when it starts
        return SpoolPolicy.of(camel.getStreamCachingStrategy(), config, () -> temp.resolve("own").toFile());
    }
}
