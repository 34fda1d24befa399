package dev.pop3raw.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private {@link DovecotServer} for a test class and a mailbox of its own for each of its tests, as a JUnit
 * extension in a static field: {@code @RegisterExtension static final DovecotMailboxes DOVECOT = new
 * DovecotMailboxes("carol")}. Dovecot starts before the class's first test and stops after its last; before each test
 * (before the test's own {@code @BeforeEach} methods) a new user ({@code carol1}, {@code carol2}, ...) gets an empty
 * maildir. The tests share Dovecot's log: {@link #sessions()} reads the lines of the current test's user only.
 */
public final class DovecotMailboxes implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    /** The password of every user. */
    public static final String PASSWORD = "dovecot-pw";

    private final String userPrefix;
    private final AtomicInteger users = new AtomicInteger();
    private DovecotServer server;
    private String user;

    /** @param userPrefix the users' names are this and a number */
    public DovecotMailboxes(String userPrefix) {
        this.userPrefix = userPrefix;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        server = DovecotServer.start(DovecotServer.Options.defaults().user(userPrefix + "0", PASSWORD));
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        user = userPrefix + users.incrementAndGet();
        server.addUser(user, PASSWORD);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The class's Dovecot. */
    public DovecotServer server() {
        return server;
    }

    /** The current test's user, whose mailbox no other test uses. */
    public String user() {
        return user;
    }

    /** A small message whose subject and body name {@code subject}, so a test can tell which one arrived. */
    public static String mail(String subject) {
        return "From: bob@example.com\r\nTo: user@example.com\r\nSubject: " + subject + "\r\n\r\nbody of " + subject
                + "\r\n";
    }

    /**
     * The current test's user's sessions that Dovecot has logged so far, oldest first, each as {retr, del marked,
     * closed normally (1) or dropped (0)}: the logout line ({@link DovecotServer#LOGOUT_FORMAT}) counts the RETR
     * commands and the messages marked for deletion; a connection dropped without QUIT logs "Connection closed" (and
     * Dovecot deletes nothing).
     */
    public List<int[]> sessions() {
        List<int[]> result = new ArrayList<>();
        Pattern logout = Pattern
                .compile("pop3\\(" + user + "\\)[^\n]*Disconnected: (Logged out|Connection closed)[^\n]*"
                        + "retr=(\\d+)/\\d+, del=(\\d+)/(\\d+)");
        Matcher m = logout.matcher(server.logText());
        while (m.find()) {
            result.add(new int[]{Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    m.group(1).equals("Logged out") ? 1 : 0});
        }
        return result;
    }
}
