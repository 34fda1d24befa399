package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Leases of two consumers sharing one repository, with clocks the test moves: periods, renewal, release, expiry. */
class MessageLeasesTest {

    private static final long PERIOD = 1000;
    private static final MailboxKey MAILBOX = new MailboxKey("alice", "pop.example.com", 995);

    private final MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
    private final AtomicLong clockA = new AtomicLong(10 * PERIOD);
    private final AtomicLong clockB = new AtomicLong(10 * PERIOD);
    private MessageLeases nodeA;
    private MessageLeases nodeB;

    @BeforeEach
    void twoNodes() {
        repo.start();
        nodeA = new MessageLeases(repo, MAILBOX, PERIOD, clockA::get);
        nodeB = new MessageLeases(repo, MAILBOX, PERIOD, clockB::get);
    }

    private void advance(long millis) {
        clockA.addAndGet(millis);
        clockB.addAndGet(millis);
    }

    @Test
    void thePeriodIsTheClockDividedByTheLeaseDurationRoundedDown() {
        clockA.set(0);
        assertEquals(0, nodeA.currentPeriod());
        clockA.set(PERIOD - 1);
        assertEquals(0, nodeA.currentPeriod());
        clockA.set(PERIOD);
        assertEquals(1, nodeA.currentPeriod());
        clockA.set(-1); // floor, not truncation: a clock before the epoch still has distinct periods
        assertEquals(-1, nodeA.currentPeriod());
        assertEquals(250, nodeA.renewalIntervalMillis(), "four renewals per period");
    }

    @Test
    void aLeaseIsOneKeyNamingItsPeriod() {
        MessageLeases.Lease a = nodeA.acquire(null, "u1");
        assertNotNull(a);
        assertEquals(Set.of(10L), a.heldPeriods());
        assertTrue(repo.contains("alice@pop.example.com:995/u1#claim-10"));
        assertEquals(1, repo.getCacheSize());
        assertEquals(1, nodeA.activeCount());
    }

    @Test
    void aLeaseKeepsTheOtherNodeAwayInItsPeriodAndBothNeighbours() {
        assertNotNull(nodeA.acquire(null, "u1"));
        assertNull(nodeB.acquire(null, "u1"), "the same period: the repository's add decides");
        clockB.addAndGet(PERIOD);
        assertNull(nodeB.acquire(null, "u1"), "the next period sees it as a neighbour");
        clockB.addAndGet(-2 * PERIOD);
        assertNull(nodeB.acquire(null, "u1"), "so does the previous one (a clock behind)");
        assertEquals(1, repo.getCacheSize(), "B took its own keys back");
    }

    @Test
    void ofTwoLeasesInNeighbouringPeriodsTheLaterCheckerBacksOff() {
        clockB.addAndGet(PERIOD);
        repo.add(MAILBOX.claimKeyOf("u1", 10)); // A has added, not yet checked
        assertNull(nodeB.acquire(null, "u1"), "B checks after A's add and sees it");
        assertTrue(repo.contains(MAILBOX.claimKeyOf("u1", 10)));
        assertFalse(repo.contains(MAILBOX.claimKeyOf("u1", 11)));
    }

    @Test
    void aProcessedMessageIsNotLeased() {
        repo.add(MAILBOX.keyOf("u1"));
        assertNull(nodeA.acquire(null, "u1"));
        assertEquals(1, repo.getCacheSize(), "its key was taken back");
    }

    @Test
    void renewalAddsTheNewPeriodsKeyAndDropsTheOldOne() {
        MessageLeases.Lease a = nodeA.acquire(null, "u1");
        nodeA.renewAll();
        assertEquals(Set.of(10L), a.heldPeriods(), "nothing to do within the period");
        advance(PERIOD);
        nodeA.renewAll();
        assertEquals(Set.of(11L), a.heldPeriods());
        assertTrue(repo.contains(MAILBOX.claimKeyOf("u1", 11)));
        assertFalse(repo.contains(MAILBOX.claimKeyOf("u1", 10)), "the new key covers the old one's period");
        assertEquals(1, repo.getCacheSize());
    }

    @Test
    void aRouteRunningThreeTimesLongerThanTheLeaseKeepsIt() {
        MessageLeases.Lease a = nodeA.acquire(null, "u1");
        // renewals four times a period for 3.5 periods; B tries to take the message all along
        for (int tick = 1; tick <= 14; tick++) {
            advance(PERIOD / 4);
            nodeA.renewAll();
            assertNull(nodeB.acquire(null, "u1"), "taken over at tick " + tick);
        }
        assertEquals(Set.of(13L), a.heldPeriods());
        nodeA.release(null, a);
        assertEquals(0, repo.getCacheSize(), "released: every key it added is removed");
        assertNotNull(nodeB.acquire(null, "u1"), "free once released");
    }

    @Test
    void aLateRenewalStillHoldsWhileThePreviousKeyCoversTheCurrentPeriod() {
        MessageLeases.Lease a = nodeA.acquire(null, "u1");
        advance(PERIOD + PERIOD - 1); // renewals missed for almost two periods: period 11 ends in 1 ms
        assertNull(nodeB.acquire(null, "u1"), "key 10 covers period 11");
        nodeA.renewAll();
        assertEquals(Set.of(11L), a.heldPeriods());
        advance(1);
        assertNull(nodeB.acquire(null, "u1"), "key 11 covers period 12");
    }

    @Test
    void aLeaseWhoseOwnerDiedLapsesOneToTwoPeriodsAfterItsLastRenewal() {
        MessageLeases.Lease a = nodeA.acquire(null, "u1");
        advance(PERIOD);
        nodeA.renewAll(); // the last renewal, at the start of period 11: then node A is killed
        assertEquals(Set.of(11L), a.heldPeriods());
        advance(PERIOD);
        assertNull(nodeB.acquire(null, "u1"), "period 12: still covered");
        advance(PERIOD - 1);
        assertNull(nodeB.acquire(null, "u1"), "the end of period 12: still covered");
        advance(1);
        assertNotNull(nodeB.acquire(null, "u1"), "period 13, two periods after the last renewal: taken over");
    }

    @Test
    void aRenewalThatFindsTheCurrentKeyTakenRetriesWhileTheOldKeyStillCovers() {
        MessageLeases.Lease a = nodeA.acquire(null, "u1");
        advance(PERIOD);
        repo.add(MAILBOX.claimKeyOf("u1", 11)); // B added period 11's key and has not yet seen A's key 10
        nodeA.renewAll();
        assertEquals(Set.of(10L), a.heldPeriods(), "not renewed yet");
        repo.remove(MAILBOX.claimKeyOf("u1", 11)); // B backs off
        advance(PERIOD / 4);
        nodeA.renewAll();
        assertEquals(Set.of(11L), a.heldPeriods(), "renewed at the next run");
    }

    @Test
    void aLeaseThatLapsedWhileItsOwnerWasPausedAndWasTakenOverIsNotRenewed() {
        MessageLeases.Lease a = nodeA.acquire(null, "u1");
        advance(2 * PERIOD); // A pauses (GC) for two periods: its key 10 no longer covers period 12
        MessageLeases.Lease b = nodeB.acquire(null, "u1");
        assertNotNull(b, "B took the lapsed message");
        advance(PERIOD); // period 13: B renews first, then A wakes up
        nodeB.renewAll();
        nodeA.renewAll();
        assertEquals(Set.of(10L), a.heldPeriods(), "A does not take the message back");
        assertEquals(Set.of(13L), b.heldPeriods());
        nodeA.release(null, a);
        assertTrue(repo.contains(MAILBOX.claimKeyOf("u1", 13)), "releasing A's lease leaves B's key alone");
    }

    @Test
    void aLapsedLeaseNobodyTookIsRenewed() {
        MessageLeases.Lease a = nodeA.acquire(null, "u1");
        advance(3 * PERIOD);
        nodeA.renewAll();
        assertEquals(Set.of(13L), a.heldPeriods());
        assertNull(nodeB.acquire(null, "u1"));
    }

    @Test
    void aReleasedLeaseIsNotRenewed() {
        MessageLeases.Lease a = nodeA.acquire(null, "u1");
        nodeA.release(null, a);
        advance(PERIOD);
        nodeA.renewAll();
        assertEquals(0, repo.getCacheSize());
        assertEquals(0, nodeA.activeCount());
    }

    @Test
    void aRenewalFailureOfOneLeaseDoesNotStopTheOthersAndIsRetried() {
        renewalFailureOfOneLease(uidl -> new IllegalStateException("database down for " + uidl));
    }

    @Test
    void anErrorInARenewalDoesNotEscapeTheRenewalTaskSoTheExecutorKeepsRunningIt() {
        renewalFailureOfOneLease(uidl -> new NoClassDefFoundError("org/example/jdbc/Driver, for " + uidl));
    }

    private void renewalFailureOfOneLease(java.util.function.Function<String, ? extends Throwable> failure) {
        AtomicReference<String> failing = new AtomicReference<>();
        MemoryIdempotentRepository flaky = new MemoryIdempotentRepository() {
            @Override
            public boolean add(String key) {
                String uidl = failing.get();
                if (uidl != null && key.startsWith(MAILBOX.keyOf(uidl) + "#")) {
                    Throwable t = failure.apply(uidl);
                    if (t instanceof Error error) {
                        throw error;
                    }
                    throw (RuntimeException) t;
                }
                return super.add(key);
            }
        };
        flaky.start();
        MessageLeases node = new MessageLeases(flaky, MAILBOX, PERIOD, clockA::get);
        MessageLeases.Lease a = node.acquire(null, "u1");
        MessageLeases.Lease b = node.acquire(null, "u2");
        failing.set("u1");
        advance(PERIOD);
        node.renewAll();
        assertEquals(Set.of(10L), a.heldPeriods(), "failed, still holding the key that covers this period");
        assertEquals(Set.of(11L), b.heldPeriods());
        failing.set(null);
        advance(PERIOD / 4);
        node.renewAll();
        assertEquals(Set.of(11L), a.heldPeriods(), "retried at the next run");
    }

    @Test
    void theLeaseDurationMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new MessageLeases(repo, MAILBOX, 0, clockA::get));
    }
}
