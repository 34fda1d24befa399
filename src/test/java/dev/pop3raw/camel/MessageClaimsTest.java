package dev.pop3raw.camel;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The repository protocol of two consumers sharing one repository, with clocks the test moves. */
class MessageClaimsTest {

    private static final long PERIOD = 1000;
    private static final MailboxKey MAILBOX = new MailboxKey("alice", "pop.example.com", 995);

    private final MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
    private final AtomicLong clockA = new AtomicLong(10 * PERIOD);
    private final AtomicLong clockB = new AtomicLong(10 * PERIOD);
    private MessageClaims nodeA;
    private MessageClaims nodeB;

    @BeforeEach
    void twoNodes() {
        repo.start();
        nodeA = new MessageClaims(repo, MAILBOX, PERIOD, clockA::get);
        nodeB = new MessageClaims(repo, MAILBOX, PERIOD, clockB::get);
    }

    @Test
    void aClaimKeepsTheOtherNodeAwayAndSuccessMarksTheMessageProcessed() {
        MessageClaims.Claim a = nodeA.claim(null, "u1");
        assertNotNull(a);
        assertNull(nodeB.claim(null, "u1"), "the same period: the repository's add decides");
        assertFalse(nodeB.isProcessed("u1"), "a claim is not a processed message");
        nodeA.succeeded(null, a);
        assertTrue(nodeB.isProcessed("u1"));
        assertTrue(repo.contains("alice@pop.example.com:995/u1"));
        assertFalse(repo.contains(a.claimKey()), "the claim is released");
        assertNull(nodeB.claim(null, "u1"), "processed: never claimed again");
    }

    @Test
    void aFailedExchangeReleasesTheClaimAndTheMessageIsOfferedAgain() {
        MessageClaims.Claim a = nodeA.claim(null, "u1");
        nodeA.failed(null, a);
        assertEquals(0, repo.getCacheSize());
        assertNotNull(nodeB.claim(null, "u1"));
    }

    @Test
    void aClaimInTheNeighbouringPeriodAlsoKeepsOthersAway() {
        MessageClaims.Claim a = nodeA.claim(null, "u1");
        assertNotNull(a);
        clockB.addAndGet(PERIOD); // B is in the next period (a boundary passed, or its clock runs ahead)
        assertNull(nodeB.claim(null, "u1"));
        clockB.addAndGet(-2 * PERIOD); // or behind
        assertNull(nodeB.claim(null, "u1"));
        assertEquals(1, repo.getCacheSize(), "B took its own claims back");
    }

    @Test
    void ofTwoClaimsInNeighbouringPeriodsTheLaterCheckerBacksOff() {
        // B's clock is one period ahead; both add their claim before either checks
        clockB.addAndGet(PERIOD);
        String keyA = MAILBOX.claimKeyOf("u1", 10);
        repo.add(keyA); // A has added, not yet checked
        assertNull(nodeB.claim(null, "u1"), "B checks after A's add and sees it");
        assertTrue(repo.contains(keyA));
    }

    @Test
    void aClaimLeftByADeadNodeExpiresAfterOneToTwoPeriods() {
        assertNotNull(nodeA.claim(null, "u1")); // node A dies here, its claim stays
        clockB.addAndGet(PERIOD);
        assertNull(nodeB.claim(null, "u1"), "the next period is still blocked");
        clockB.addAndGet(PERIOD);
        MessageClaims.Claim b = nodeB.claim(null, "u1");
        assertNotNull(b, "two periods on, the message is not stranded");
        nodeB.succeeded(null, b);
        assertTrue(nodeA.isProcessed("u1"));
    }

    @Test
    void aMessageProcessedWhileAnotherNodeWasClaimingIsLeftAlone() {
        MessageClaims.Claim a = nodeA.claim(null, "u1");
        nodeA.succeeded(null, a);
        // B listed the message before A succeeded and claims it now: the add succeeds (A released its claim),
        // the check after it sees the processed key
        assertNull(nodeB.claim(null, "u1"));
    }

    @Test
    void theClaimTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new MessageClaims(repo, MAILBOX, 0, clockA::get));
    }
}
