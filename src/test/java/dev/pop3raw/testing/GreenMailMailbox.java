package dev.pop3raw.testing;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;

import dev.pop3raw.client.MessageInfo;
import dev.pop3raw.client.Pop3Client;
import dev.pop3raw.client.Pop3ClientOptions;

/**
 * GreenMail's POP3 server on a free loopback port with one mailbox, and the helpers to fill and inspect it (through the
 * client library, in sessions of their own). Started only by the tests that talk to GreenMail; {@link #starts()} counts
 * the starts in this JVM, so a test can show that a class never started one.
 */
public final class GreenMailMailbox implements AutoCloseable {

    private static final AtomicInteger STARTS = new AtomicInteger();

    private final GreenMail greenMail;
    private final GreenMailUser user;
    private final String login;
    private final String password;

    private GreenMailMailbox(String login, String password) {
        this.login = login;
        this.password = password;
        greenMail = new GreenMail(ServerSetupTest.POP3.dynamicPort());
        greenMail.start();
        STARTS.incrementAndGet();
        user = greenMail.setUser(login + "@localhost", login, password);
    }

    /** Starts GreenMail with the mailbox {@code login}@localhost. */
    public static GreenMailMailbox start(String login, String password) {
        return new GreenMailMailbox(login, password);
    }

    /** How many GreenMail servers this class started in this JVM. */
    public static int starts() {
        return STARTS.get();
    }

    public GreenMail greenMail() {
        return greenMail;
    }

    public GreenMailUser user() {
        return user;
    }

    public int port() {
        return greenMail.getPop3().getPort();
    }

    public void deliver(String raw) {
        user.deliver(GreenMailUtil.newMimeMessage(raw));
    }

    /** What the server lists now (a separate session with the client library). */
    public List<MessageInfo> listing() throws IOException {
        try (Pop3Client client = Pop3Client.connect("127.0.0.1", port(), Pop3ClientOptions.defaults())) {
            client.login(login, password);
            List<MessageInfo> listing = client.listing();
            client.quit();
            return listing;
        }
    }

    /** The message as the server holds it (RETR through the client library, nothing deleted). */
    public byte[] retrieveRaw(int number) throws IOException {
        try (Pop3Client client = Pop3Client.connect("127.0.0.1", port(), Pop3ClientOptions.defaults())) {
            client.login(login, password);
            byte[] raw = client.retr(number);
            client.quit();
            return raw;
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
