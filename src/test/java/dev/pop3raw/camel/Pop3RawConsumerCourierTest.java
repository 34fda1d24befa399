package dev.pop3raw.camel;

import java.io.IOException;

import dev.pop3raw.testing.CourierServer;
import dev.pop3raw.testing.ExtractedPop3Server;

/**
 * The consumer against a private Courier 1.0.16 (courier-pop with courier-authdaemon): USER, PLAIN, LOGIN and the
 * CRAM mechanisms over plain POP3, and the strongest mechanism over STLS and implicit TLS, in delete and idempotent
 * mode.
 */
class Pop3RawConsumerCourierTest extends RealServerConsumerContract {

    @Override
    protected ExtractedPop3Server startServer() throws IOException {
        return CourierServer.start();
    }
}
