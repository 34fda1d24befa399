package dev.pop3raw.camel;

import java.io.IOException;
import java.util.List;

import dev.pop3raw.client.Capabilities;
import dev.pop3raw.client.Listing;
import dev.pop3raw.client.Pop3Client;
import dev.pop3raw.client.Pop3ClientOptions;
import dev.pop3raw.client.Pop3ErrorResponseException;
import dev.pop3raw.client.Pop3SecurityException;
import dev.pop3raw.client.RetrievalBatch;
import dev.pop3raw.client.sasl.AccessTokenProvider;

/**
 * The one owner of a poll's POP3 session, from connect and login to its end. The session ends in one of two ways:
 * <ul>
 * <li><b>commit</b>: the session's DELEs and then QUIT, sent by {@link DeletionLedger#commit} through this session's
 * {@link DeletionLedger.Deleter} face. QUIT is what makes the server delete (RFC 1939), and nothing else sends it;</li>
 * <li><b>drop</b> ({@link #drop}, also {@link #close} when nothing committed): the connection is closed without QUIT,
 * so that a conforming server deletes nothing. A broken poll never sends QUIT: a session that failed in any way, or
 * that met a message it cannot read to its end, is dropped rather than drained or committed.</li>
 * </ul>
 * Used by the polling thread only.
 */
final class Pop3Session implements AutoCloseable, DeletionLedger.Deleter {

    private final Pop3Client client;

    private Pop3Session(Pop3Client client) {
        this.client = client;
    }

    /**
     * Connects and logs in. Returns null when the server answered {@code [IN-USE]} or {@code [LOGIN-DELAY]}: the
     * {@code gate} then closes for the delay, and the poll is skipped quietly.
     */
    static Pop3Session open(Pop3RawConfiguration config, AccessTokenProvider tokenProvider, Pop3ClientOptions options,
            BackOffGate gate)
            throws IOException {
        Pop3Client client;
        try {
            client = Pop3Client.connect(config.getHost(), config.getPort(), options);
        } catch (Pop3SecurityException e) {
            throw pinMismatch(config, e);
        } catch (Pop3ErrorResponseException e) {
            if (BackOffGate.isBusy(e)) {
                gate.busy(e, null);
                return null;
            }
            throw e;
        }
        Pop3Session session = null;
        try {
            try {
                client.login(config.getUsername(), config.getPassword(), tokenProvider,
                        config.getAuthMechanism());
            } catch (Pop3ErrorResponseException e) {
                if (BackOffGate.isBusy(e)) {
                    gate.busy(e, client.capabilities());
                    return null;
                }
                throw e;
            }
            session = new Pop3Session(client);
            return session;
        } finally {
            if (session == null) {
                client.close(); // refused or failed: dropped
            }
        }
    }

    /** A certificate that does not match the pin: the message names the option to check. */
    private static Pop3SecurityException pinMismatch(Pop3RawConfiguration config, Pop3SecurityException e) {
        if (config.getPinnedCertificateSha256() == null || e.getMessage() == null
                || !e.getMessage().contains("not the pinned")) {
            return e;
        }
        return new Pop3SecurityException("pop3raw: the server certificate does not match pinnedCertificateSha256 ("
                + e.getMessage() + "); if the server's certificate was renewed, update the option",
                e);
    }

    Capabilities capabilities() {
        return client.capabilities();
    }

    /** UIDL and LIST of the maildrop. */
    Listing listing() throws IOException {
        return client.listing();
    }

    /** The pipelined RETR of {@code numbers}. */
    RetrievalBatch retrieve(List<Integer> numbers) throws IOException {
        return client.retrieve(numbers);
    }

    /** Ends the session without QUIT: nothing is deleted. Never throws; a no-op once the session has ended. */
    void drop() {
        client.close();
    }

    /** After QUIT a no-op; otherwise drops the session, so that nothing is deleted. */
    @Override
    public void close() {
        drop();
    }

    @Override
    public boolean isClosed() {
        return client.isClosed();
    }

    @Override
    public void dele(int number) throws IOException {
        client.dele(number);
    }

    @Override
    public void quit() throws IOException {
        client.quit();
    }
}
