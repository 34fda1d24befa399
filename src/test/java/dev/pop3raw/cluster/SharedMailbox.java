package dev.pop3raw.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pop3raw.testing.DovecotServer;

/**
 * The one Dovecot mailbox a cluster test's nodes share, and the waits that read it and the nodes' rows
 * ({@link ClusterRecords}): delivering numbered messages, waiting for every one to be processed (then for a few more
 * polls, counted at Dovecot, so that a late duplicate shows), waiting for the maildrop to reach a count.
 */
final class SharedMailbox {

    private final DovecotServer dovecot;
    private final String user;
    private final ClusterRecords records;

    SharedMailbox(DovecotServer dovecot, String user, ClusterRecords records) {
        this.dovecot = dovecot;
        this.user = user;
        this.records = records;
    }

    /**
     * Delivers messages {@code from} .. {@code from + n - 1}, subject and Message-ID ({@code <prefix i@cluster.test>})
     * numbered; returns their UIDLs.
     */
    List<String> deliver(int from, int n, String idPrefix) throws Exception {
        List<String> uidls = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            uidls.add(dovecot.deliver(user, "From: load@example.com\r\nTo: shared@example.com\r\nSubject: message " + i
                    + "\r\nMessage-ID: <" + idPrefix + i + "@cluster.test>\r\n\r\nbody " + i + "\r\n"));
        }
        return uidls;
    }

    /**
     * Waits until every one of {@code uidls} was processed, or {@code deadline}, or nothing moved for {@code quiet} (a
     * lost message would otherwise make the test wait until the deadline), then for four more polls; returns the
     * processing count of each key.
     */
    Map<String, Integer> awaitAllProcessed(List<String> uidls, long deadline, Duration quiet) throws Exception {
        Map<String, Integer> counts = records.countsByKey();
        long lastChange = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline && !counts.keySet().containsAll(uidls)
                && System.currentTimeMillis() - lastChange < quiet.toMillis()) {
            Thread.sleep(200);
            Map<String, Integer> now = records.countsByKey();
            if (!now.equals(counts)) {
                lastChange = System.currentTimeMillis();
            }
            counts = now;
        }
        awaitMoreLogins(4);
        return records.countsByKey();
    }

    /** Waits until Dovecot has logged {@code n} more logins of the mailbox's user than now. */
    void awaitMoreLogins(int n) throws Exception {
        int target = dovecot.loginCount(user) + n;
        long deadline = System.currentTimeMillis() + 30_000;
        while (dovecot.loginCount(user) < target && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        int logins = dovecot.loginCount(user);
        assertTrue(logins >= target, "the nodes stopped polling: " + logins + " logins, expected " + target);
    }

    /** Waits until the maildrop holds {@code expected} messages, or {@code deadline}; returns the last count. */
    int awaitMessageCount(int expected, long deadline) throws Exception {
        int n = dovecot.messageCount(user);
        while (n != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            n = dovecot.messageCount(user);
        }
        return n;
    }
}
