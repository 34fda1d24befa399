package dev.pop3raw.camel;

import java.io.IOException;
import java.util.List;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;

import dev.pop3raw.client.MessageInfo;
import dev.pop3raw.testing.GreenMailMailbox;

/**
 * {@link Pop3RawCamelTestSupport} with GreenMail on a free loopback port, started for every test: a mailbox
 * alice/s3cret-pw, helpers to deliver and to inspect. Tests that talk only to a scripted server extend
 * {@link Pop3RawCamelTestSupport}; a class with a single GreenMail test starts a {@link GreenMailMailbox} in it.
 */
abstract class Pop3RawTestSupport extends Pop3RawCamelTestSupport {

    @Override
    protected boolean mayStartGreenMail() {
        return true;
    }

    protected GreenMailMailbox mailbox;
    protected GreenMail greenMail;
    protected GreenMailUser user;
    protected int port;

    @Override
    protected void doPreSetup() throws Exception {
        mailbox = GreenMailMailbox.start(USER, PASSWORD);
        greenMail = mailbox.greenMail();
        user = mailbox.user();
        port = mailbox.port();
    }

    @Override
    protected void doPostTearDown() throws Exception {
        if (mailbox != null) {
            mailbox.close();
        }
    }

    /** A pop3raw URI for the GreenMail mailbox, polling fast. */
    String uri(String options) {
        return uri(port, options);
    }

    void deliver(String raw) {
        mailbox.deliver(raw);
    }

    /** What the server lists now (a separate session with the client library). */
    List<MessageInfo> listing() throws IOException {
        return mailbox.listing();
    }

    /** The message as the server holds it (RETR through the client library, nothing deleted). */
    byte[] retrieveRaw(int number) throws IOException {
        return mailbox.retrieveRaw(number);
    }
}
