package dev.pop3raw.camel;

import java.io.IOException;

import dev.pop3raw.testing.CyrusServer;
import dev.pop3raw.testing.ExtractedPop3Server;

/**
 * The consumer against a private Cyrus 3.6 (cyrus-pop3d): USER, APOP, PLAIN, LOGIN, CRAM-MD5 and SCRAM-SHA-256 over
 * plain POP3, and the strongest mechanism over STLS and implicit TLS, in delete and idempotent mode. Cyrus adds
 * headers on delivery, so messages are compared with what it serves.
 */
class Pop3RawConsumerCyrusTest extends RealServerConsumerContract {

    @Override
    protected ExtractedPop3Server startServer() throws IOException {
        return CyrusServer.start();
    }
}
