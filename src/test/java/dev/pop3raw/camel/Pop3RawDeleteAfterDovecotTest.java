package dev.pop3raw.camel;

import static dev.pop3raw.testing.DovecotMailboxes.PASSWORD;
import static dev.pop3raw.testing.DovecotMailboxes.mail;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.apache.camel.support.processor.state.FileStateRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.pop3raw.testing.DovecotMailboxes;
import dev.pop3raw.testing.DovecotServer;
import dev.pop3raw.testing.FaultyProxy;
import dev.pop3raw.testing.FaultyProxy.Plan;
import dev.pop3raw.testing.SettableClock;

/**
 * deleteAfter against a real Dovecot, through a {@link FaultyProxy} that can drop the connection at QUIT, with Camel's
 * file repositories (idempotent keys and first-processed times in files, as a single-node application would keep
 * them): messages stay in the maildir until they are 14 days old by the test's clock, across a restart, are never
 * retrieved again meanwhile (Dovecot's logout line counts every RETR), and a lost QUIT deletes nothing.
 */
@DisplayName("deleteAfter against Dovecot")
class Pop3RawDeleteAfterDovecotTest {

    @RegisterExtension
    static final DovecotMailboxes MAILBOXES = new DovecotMailboxes("dave");

    @TempDir
    Path tmp;

    private DovecotServer dovecot;
    private String user;
    private FaultyProxy proxy;
    private final AtomicBoolean dropQuit = new AtomicBoolean();
    private final SettableClock clock = SettableClock.startingNow();
    private final List<String> routed = new CopyOnWriteArrayList<>();
    private final List<RetentionNode> nodes = new ArrayList<>();

    @BeforeEach
    void ownMailbox() throws Exception {
        dovecot = MAILBOXES.server();
        user = MAILBOXES.user();
        proxy = FaultyProxy.start(dovecot.host(), dovecot.pop3Port())
                .planner(i -> dropQuit.get() ? Plan.dropOnClientLine("QUIT") : Plan.PASS);
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(RetentionNode::close);
        proxy.close();
    }

    /** A start of the application: new repository instances on the same files. */
    private RetentionNode node() throws Exception {
        FileIdempotentRepository repo = new FileIdempotentRepository();
        repo.setFileStore(tmp.resolve("processed.txt").toFile());
        FileStateRepository state = FileStateRepository.fileStateRepository(tmp.resolve("first-processed.txt")
                .toFile());
        String uri = "pop3raw:127.0.0.1:" + proxy.port() + "?username=" + user + "&password=RAW(" + PASSWORD
                + ")&tls=none&readTimeout=5000&connectTimeout=5000&startScheduler=false"
                + "&idempotentRepository=#repo&deleteAfter=14d&deleteAfterStateRepository=#state";
        RetentionNode node = new RetentionNode(uri, clock, Map.of("repo", repo, "state", state), routed);
        nodes.add(node);
        return node;
    }

    /** {retr, del marked, logged out (1) or dropped (0)} of the last session, once Dovecot logged it. */
    private int[] lastSession(int sessions) throws InterruptedException {
        Pop3RawCamelTestSupport.await(() -> MAILBOXES.sessions().size() >= sessions,
                "session " + sessions + " logged");
        List<int[]> all = MAILBOXES.sessions();
        assertEquals(sessions, all.size(), dovecot.logText());
        return all.get(sessions - 1);
    }

    @Test
    @DisplayName("kept 14 days across a restart, never retrieved again, deleted at the first poll after")
    void keptAcrossARestartAndDeletedWhenOldEnough() throws Exception {
        List<String> uidls = List.of(dovecot.deliver(user, mail("one")), dovecot.deliver(user, mail("two")));
        RetentionNode first = node();
        assertEquals(2, first.poll());
        assertArrayEquals(new int[]{2, 0, 1}, lastSession(1), "retrieved, not deleted");
        first.close();

        clock.advance(Duration.ofDays(14).minusSeconds(1));
        RetentionNode second = node();
        assertEquals(0, second.poll());
        assertArrayEquals(new int[]{0, 0, 1}, lastSession(2), "after the restart: not retrieved, not deleted");
        assertEquals(2, dovecot.messageCount(user));

        clock.advance(Duration.ofSeconds(1));
        assertEquals(0, second.poll());
        assertArrayEquals(new int[]{0, 2, 1}, lastSession(3), "14 days: deleted unread");
        assertEquals(0, dovecot.messageCount(user));
        assertEquals(uidls, routed);
    }

    @Test
    @DisplayName("a QUIT lost on the way deletes nothing; the next poll deletes, still unread")
    void aLostQuitDeletesNothing() throws Exception {
        dovecot.deliver(user, mail("one"));
        RetentionNode node = node();
        node.poll();
        clock.advance(Duration.ofDays(15));

        dropQuit.set(true);
        node.poll();
        int[] dropped = lastSession(2);
        assertEquals(0, dropped[0], "not retrieved");
        assertEquals(0, dropped[2], "Dovecot saw the connection close without QUIT");
        assertEquals(1, dovecot.messageCount(user), "Dovecot deleted nothing");
        assertEquals(0, node.endpoint.getMessagesExpired());

        dropQuit.set(false);
        node.poll();
        assertArrayEquals(new int[]{0, 1, 1}, lastSession(3));
        assertEquals(0, dovecot.messageCount(user));
        assertEquals(1, routed.size());
        assertEquals(1, node.endpoint.getMessagesExpired());
    }
}
