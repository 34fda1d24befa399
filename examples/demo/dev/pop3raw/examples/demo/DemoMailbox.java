package dev.pop3raw.examples.demo;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * An in-process POP3 server (GreenMail) on a free loopback port, holding one mailbox filled with
 * {@link DemoMessages}. GreenMail offers no TLS upgrade (STLS), so the demo connects with {@code tls=none}; the
 * client allows a password over a plain connection only to a loopback address.
 */
public final class DemoMailbox implements AutoCloseable {

    public static final String USER = "demo";
    public static final String PASSWORD = "demo-pw";

    private final GreenMail greenMail;
    private final GreenMailUser user;

    private DemoMailbox(GreenMail greenMail, GreenMailUser user) {
        this.greenMail = greenMail;
        this.user = user;
    }

    /** Starts the server and delivers the demo messages. */
    public static DemoMailbox start() throws MessagingException {
        return start(DemoMessages.all());
    }

    /** Starts the server and delivers the given raw messages. */
    public static DemoMailbox start(List<String> rawMessages) throws MessagingException {
        GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3));
        greenMail.start();
        GreenMailUser user = greenMail.setUser(USER + "@pop3raw.example", USER, PASSWORD);
        DemoMailbox mailbox = new DemoMailbox(greenMail, user);
        for (String raw : rawMessages) {
            mailbox.deliver(raw);
        }
        return mailbox;
    }

    /** Puts one more raw message into the mailbox. */
    public void deliver(String raw) throws MessagingException {
        user.deliver(new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8))));
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return greenMail.getPop3().getPort();
    }

    /** How many messages the mailbox holds now (deleted messages are gone once the session QUIT). */
    public int messageCount() {
        return greenMail.getReceivedMessages().length;
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
