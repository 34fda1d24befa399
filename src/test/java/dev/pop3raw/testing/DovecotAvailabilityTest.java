package dev.pop3raw.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class DovecotAvailabilityTest {

    @Test
    void missingDovecotSkipsOutsideCi() {
        TestAbortedException e = assertThrows(TestAbortedException.class,
                () -> DovecotAvailability.requireDovecot(Optional.empty(), false));
        assertTrue(e.getMessage().contains("Dovecot is not installed"), e.getMessage());
    }

    @Test
    void missingDovecotFailsInCi() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> DovecotAvailability.requireDovecot(Optional.empty(), true));
        assertTrue(e.getMessage().contains("CI=true"), e.getMessage());
    }

    @Test
    void everyUsualSpellingOfCiCountsAsCi() {
        for (String on : new String[]{"true", "TRUE", "1", "yes", " true "}) {
            assertTrue(DovecotAvailability.isCi(on), on);
        }
        for (String off : new String[]{null, "", " ", "0", "false", "False", "no"}) {
            assertFalse(DovecotAvailability.isCi(off), String.valueOf(off));
        }
    }

    @Test
    void presentDovecotIsReturned() {
        Path p = Path.of("/usr/sbin/dovecot");
        assertEquals(p, DovecotAvailability.requireDovecot(Optional.of(p), true));
    }
}
