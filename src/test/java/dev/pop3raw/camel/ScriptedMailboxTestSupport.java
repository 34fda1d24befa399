package dev.pop3raw.camel;

import org.junit.jupiter.api.AfterEach;

import dev.pop3raw.testing.ScriptedMailbox;

/**
 * The base of the consumer tests on a {@link ScriptedMailbox}: {@link #stub}, started before each test (before the
 * Camel context, so a route built with the context can use its port) and closed after it, and the messages those tests
 * put in it.
 */
abstract class ScriptedMailboxTestSupport extends Pop3RawCamelTestSupport {

    /** This test's mailbox, empty at the start. */
    protected ScriptedMailbox stub;

    @Override
    protected void doPreSetup() throws Exception {
        super.doPreSetup();
        stub = ScriptedMailbox.start();
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    /** A small message whose subject and body name {@code subject}, so a test can tell which one arrived. */
    static String raw(String subject) {
        return "Subject: " + subject + "\r\nFrom: x@example.com\r\n\r\nbody of " + subject + "\r\n";
    }

    /** A message with {@code bodyOctets} octets of body (plus its line end), for tests that count sizes. */
    static String raw(String subject, int bodyOctets) {
        return "Subject: " + subject + "\r\nFrom: x@example.com\r\n\r\n" + "b".repeat(bodyOctets) + "\r\n";
    }

    /** The unique-id the tests give the message at {@code position}: m01, m02, ... (sorted as listed). */
    static String uidl(int position) {
        return String.format("m%02d", position);
    }
}
