package dev.pop3raw.camel;

import java.io.IOException;

import dev.pop3raw.testing.ExtractedPop3Server;
import dev.pop3raw.testing.Popa3dServer;

/**
 * The consumer against a private popa3d 1.0.3, the small inetd-style server under socat: no CAPA, no TLS, no SASL,
 * USER/PASS only (which {@code auto} falls back to), mbox storage; in delete and idempotent mode.
 */
class Pop3RawConsumerPopa3dTest extends RealServerConsumerContract {

    @Override
    protected ExtractedPop3Server startServer() throws IOException {
        return Popa3dServer.start();
    }
}
