package dev.pop3raw.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing real server skips its tests outside CI and fails them when CI=true (Dovecot, Cyrus, Courier alike). */
class ExtractedServersAvailabilityTest {

    @Test
    void missingServerSkipsOutsideCi() {
        TestAbortedException e = assertThrows(TestAbortedException.class,
                () -> ServerKit.missing("Cyrus is not extracted (no /x)", ExtractedPop3Server.INSTALL, false));
        assertTrue(e.getMessage().contains("Cyrus is not extracted") && e.getMessage().contains("install-pop3-servers"),
                e.getMessage());
    }

    @Test
    void missingServerFailsInCi() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> ServerKit.missing("Courier is not extracted (no /x)", ExtractedPop3Server.INSTALL, true));
        assertTrue(e.getMessage().contains("CI=true"), e.getMessage());
    }

    @Test
    void theDefaultInstallIsWhereTheScriptPutsIt() {
        // .ci/run calls .ci/install-pop3-servers /opt/pop3raw-servers; the servers look there unless told otherwise
        assertTrue(ExtractedPop3Server.DEFAULT_DIR.toString().equals("/opt/pop3raw-servers"));
    }
}
