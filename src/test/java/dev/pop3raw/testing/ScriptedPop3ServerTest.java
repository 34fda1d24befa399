package dev.pop3raw.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ScriptedPop3ServerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    // ------------------------------------------------------------------------------------------------ recording

    @Test
    void recordsExactBytesBothWays() throws Exception {
        byte[] message = {'a', 0, (byte) 0xFF, '\r', 'b', '\n', '.', '.', 'x', '\r', '\n', '.', '\r', '\n'};
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script
                .send("+OK ready <1.2@host>\r\n")
                .expect("CAPA")
                .sendLines("+OK", "UIDL", "PIPELINING", ".")
                .expect("USER bob").send("+OK\r\n")
                .expectLine(line -> line.startsWith("PASS "))
                .send("+OK\r\n")
                .expect("RETR 1").sendBytes(message)
                .hangUp());
                Client client = new Client(server)) {
            assertEquals("+OK ready <1.2@host>\r\n", client.readLine());
            client.write("CAPA\r\n");
            assertEquals("+OK\r\nUIDL\r\nPIPELINING\r\n.\r\n", client.readLines(4));
            client.write("USER bob\r\n");
            assertEquals("+OK\r\n", client.readLine());
            client.write("PASS s3cret\r\n");
            assertEquals("+OK\r\n", client.readLine());
            client.write("RETR 1\r\n");
            assertArrayEquals(message, client.readToEof());

            server.awaitScriptDone(WAIT);
            assertEquals("CAPA\r\nUSER bob\r\nPASS s3cret\r\nRETR 1\r\n", server.receivedText());
            ByteArrayOutputStream expectedSent = new ByteArrayOutputStream();
            expectedSent.writeBytes(
                    "+OK ready <1.2@host>\r\n+OK\r\nUIDL\r\nPIPELINING\r\n.\r\n+OK\r\n+OK\r\n".getBytes(US_ASCII));
            expectedSent.writeBytes(message);
            assertArrayEquals(expectedSent.toByteArray(), server.sent());
            assertTrue(server.mismatch().isEmpty());
        }
    }

    // ------------------------------------------------------------------------------------------------ conversing

    @Test
    void converseAnswersCommandByCommandRecordsTheCommandsAndEndsWhenTheClientCloses() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script.greeting()
                .converse(command -> command.equals("STAT")
                        ? ScriptedPop3Server.Reply.lines("+OK 1 42")
                        : ScriptedPop3Server.Reply.bytes(new byte[]{'-', 'E', 'R', 'R', 0, '\r', '\n'})))) {
            try (Client client = new Client(server)) {
                client.readLine();
                client.write("STAT\r\n");
                assertEquals("+OK 1 42\r\n", client.readLine());
                client.write("NOOP\r\n");
                assertEquals("-ERR\0\r\n", client.readLine());
            }
            server.awaitScriptDone(WAIT);
            assertEquals(java.util.List.of("STAT", "NOOP"), server.session(0).commands());
            assertTrue(server.clientClosed());
            assertTrue(server.mismatch().isEmpty());
        }
    }

    @Test
    void aReplyCanCutTheConnectionOrHalfCloseIt() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.builder()
                .session(script -> script.greeting().converse(command -> command.equals("RETR 1")
                        ? ScriptedPop3Server.Reply.text("+OK\r\npart").thenHangUp()
                        : ScriptedPop3Server.Reply.lines("+OK")))
                .session(script -> script.greeting()
                        .converse(command -> ScriptedPop3Server.Reply.lines("+OK bye").thenHalfClose()))
                .start()) {
            try (Client client = new Client(server)) {
                client.readLine();
                client.write("NOOP\r\nRETR 1\r\n");
                assertEquals("+OK\r\n+OK\r\npart", new String(client.readToEof(), US_ASCII));
            }
            try (Client client = new Client(server)) {
                client.readLine();
                client.write("QUIT\r\n");
                assertEquals("+OK bye\r\n", new String(client.readToEof(), US_ASCII), "EOF after the reply");
                client.write("late\r\n"); // the server still reads, until the client closes
            }
            server.awaitScriptDone(WAIT);
            assertEquals(java.util.List.of("NOOP", "RETR 1"), server.session(0).commands());
            assertEquals(java.util.List.of("QUIT", "late"), server.session(1).commands());
            assertTrue(server.session(1).clientClosed(), "the half-closed session read on until the client closed");
        }
    }

    @Test
    void everyConnectionBuildsAFreshScriptForEachConnectionWithoutLimit() throws Exception {
        java.util.concurrent.atomic.AtomicInteger built = new java.util.concurrent.atomic.AtomicInteger();
        try (ScriptedPop3Server server = ScriptedPop3Server.builder()
                .session(script -> script.send("+OK first\r\n").hangUp())
                .everyConnection(script -> script.send("+OK " + built.incrementAndGet() + "\r\n").hangUp())
                .start()) {
            for (String expected : java.util.List.of("+OK first", "+OK 1", "+OK 2", "+OK 3")) {
                try (Client client = new Client(server)) {
                    assertEquals(expected + "\r\n", client.readLine());
                }
            }
            server.awaitScriptDone(WAIT);
            assertEquals(4, server.connectionCount());
            assertEquals(3, built.get());
            assertTrue(server.mismatch().isEmpty(), server.mismatch().toString());
        }
    }

    @Test
    void anUnusedPortRefusesConnections() {
        int port = ScriptedPop3Server.unusedPort();
        assertThrows(java.net.ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    @Test
    void pipelinedCommandsArrivingInOneWriteAreMatchedLineByLine() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script
                .greeting()
                .expect("RETR 1", "RETR 2") // both must arrive before any answer: proves the client pipelined
                .send("+OK\r\none\r\n.\r\n+OK\r\ntwo\r\n.\r\n")
                .expectBytes("QUIT\r\n".getBytes(US_ASCII))
                .send("+OK bye\r\n")
                .expectClose());
                Client client = new Client(server)) {
            client.readLine();
            client.write("RETR 1\r\nRETR 2\r\n");
            assertEquals("+OK\r\none\r\n.\r\n+OK\r\ntwo\r\n.\r\n", client.readLines(6));
            client.write("QUIT\r\n");
            assertEquals("+OK bye\r\n", client.readLine());
            client.close();

            server.awaitScriptDone(WAIT);
            assertTrue(server.clientClosed());
            assertEquals("RETR 1\r\nRETR 2\r\nQUIT\r\n", server.receivedText());
        }
    }

    @Test
    void keepsRecordingAfterTheScriptUntilTheClientCloses() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script.greeting());
                Client client = new Client(server)) {
            client.readLine();
            server.awaitScriptDone(WAIT);
            assertFalse(server.clientClosed());
            client.write("NOOP\r\n");
            client.close();
            assertTrue(server.awaitClientClosed(WAIT));
            assertEquals("NOOP\r\n", server.receivedText());
            assertEquals("NOOP\r\n", new String(server.session(0).receivedAfterScript(), US_ASCII));
        }
    }

    // ------------------------------------------------------------------------------------------------ mismatches

    @Test
    void wrongLineIsReportedByAwaitScriptDoneAndTheServerCloses() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script
                .greeting()
                .expect("USER bob").send("+OK\r\n"));
                Client client = new Client(server)) {
            client.readLine();
            client.write("USER alice\r\n");
            assertEquals(-1, client.in.read(), "server closes the connection on a mismatch");

            AssertionError error = assertThrows(AssertionError.class, () -> server.awaitScriptDone(WAIT));
            assertTrue(error.getMessage().contains("step 2 (expect \"USER bob\"): client sent \"USER alice\""),
                    error.getMessage());
            assertEquals("USER alice\r\n", server.receivedText());
            assertTrue(server.mismatch().isPresent());
        }
    }

    @Test
    void bareLfIsAMismatch() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script.greeting().expect("CAPA"));
                Client client = new Client(server)) {
            client.readLine();
            client.write("CAPA\n");
            AssertionError error = assertThrows(AssertionError.class, () -> server.awaitScriptDone(WAIT));
            assertTrue(error.getMessage().contains("bare LF"), error.getMessage());
        }
    }

    @Test
    void silentClientTimesOutTheExpectation() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.builder()
                .readTimeout(Duration.ofMillis(200))
                .session(script -> script.greeting().expect("CAPA"))
                .start();
                Client client = new Client(server)) {
            client.readLine();
            client.write("CA"); // partial line, then silence
            AssertionError error = assertThrows(AssertionError.class, () -> server.awaitScriptDone(WAIT));
            assertTrue(error.getMessage().contains("within 200 ms; partial line \"CA\""), error.getMessage());
        }
    }

    @Test
    void unmetExpectationIsReportedOnTimeout() {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script.greeting().expect("CAPA"))) {
            AssertionError error = assertThrows(AssertionError.class,
                    () -> server.awaitScriptDone(Duration.ofMillis(100)));
            assertTrue(error.getMessage().contains("script not done"), error.getMessage());
            assertTrue(error.getMessage().contains("not connected"), error.getMessage());
        }
    }

    @Test
    void plaintextPipelinedAfterStlsIsAMismatch() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script
                .greeting()
                .expect("STLS").send("+OK begin TLS\r\n")
                .startTls(TestTls.localhost().serverContext()));
                Client client = new Client(server)) {
            client.readLine();
            client.write("STLS\r\nUSER injected\r\n");
            AssertionError error = assertThrows(AssertionError.class, () -> server.awaitScriptDone(WAIT));
            assertTrue(
                    error.getMessage()
                            .contains("plaintext after the command, before the TLS handshake: \"USER injected\\r\\n\""),
                    error.getMessage());
        }
    }

    @Test
    void expectSilenceCatchesAClientThatDoesNotWait() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script
                .greeting()
                .expectSilence(Duration.ofMillis(300))
                .send("+OK\r\n"));
                Client client = new Client(server)) {
            client.readLine();
            client.write("NOOP\r\n");
            AssertionError error = assertThrows(AssertionError.class, () -> server.awaitScriptDone(WAIT));
            assertTrue(error.getMessage().contains("expectSilence(300 ms)): client sent \"NOOP\\r\\n\""),
                    error.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------------ hostile endings

    @Test
    void hangUpIsSeenAsEof() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script.greeting().hangUp());
                Client client = new Client(server)) {
            assertEquals(ScriptedPop3Server.GREETING, client.readLine());
            assertEquals(-1, client.in.read());
            server.awaitScriptDone(WAIT);
        }
    }

    @Test
    void resetIsSeenAsConnectionReset() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script.greeting().reset());
                Client client = new Client(server)) {
            assertEquals(ScriptedPop3Server.GREETING, client.readLine());
            server.awaitScriptDone(WAIT);
            assertThrows(SocketException.class, () -> client.in.read());
        }
    }

    @Test
    void stallMakesTheClientReadTimeOutAndEndsWhenTheClientCloses() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script.greeting().stall());
                Client client = new Client(server)) {
            client.readLine();
            client.socket.setSoTimeout(200);
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> client.in.read());
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(190).toNanos());
            assertFalse(server.session(0).scriptDone(), "a stall lasts until the client closes");
            client.close();
            server.awaitScriptDone(WAIT);
            assertTrue(server.clientClosed());
        }
    }

    @Test
    void pauseDelaysTheNextSend() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script
                .greeting()
                .expect("STAT").pause(Duration.ofMillis(300)).send("+OK 0 0\r\n"));
                Client client = new Client(server)) {
            client.readLine();
            long start = System.nanoTime();
            client.write("STAT\r\n");
            assertEquals("+OK 0 0\r\n", client.readLine());
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(290).toNanos());
            server.awaitScriptDone(WAIT);
        }
    }

    @Test
    void sendForeverEndsWhenTheClientCloses() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script
                .greeting()
                .expect("RETR 1").send("+OK\r\n")
                .sendForever("Subject: spam\r\n"));
                Client client = new Client(server)) {
            client.readLine();
            client.write("RETR 1\r\n");
            assertEquals("+OK\r\n", client.readLine());
            byte[] chunk = client.in.readNBytes(100_000);
            assertEquals("Subject: spam\r\nSubject: spam\r\n", new String(chunk, 0, 30, US_ASCII));
            client.close();
            server.awaitScriptDone(WAIT);
            assertTrue(server.clientClosed());
            assertTrue(server.session(0).bytesSentForever() >= 100_000);
        }
    }

    @Test
    void closeEndsAllThreadsPromptlyEvenWithClientsHanging() throws Exception {
        ScriptedPop3Server server = ScriptedPop3Server.builder()
                .session(script -> script.greeting().stall())
                .session(script -> script.greeting().sendForever("x"))
                .session(script -> script.greeting().pause(Duration.ofMinutes(1)))
                .start();
        try (Client a = new Client(server); Client b = new Client(server); Client c = new Client(server)) {
            a.readLine();
            b.readLine();
            c.readLine();
            long start = System.nanoTime();
            server.close();
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "close() took too long");
            assertTrue(server.allThreadsEnded());
            assertTrue(server.mismatch().isEmpty(), "shutdown is not a mismatch");
        }
    }

    // ------------------------------------------------------------------------------------------------ TLS

    @Test
    void stlsUpgradeWithHostnameVerification() throws Exception {
        TestTls tls = TestTls.localhost();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script
                .greeting()
                .expect("STLS").send("+OK begin TLS\r\n")
                .startTls(tls.serverContext())
                .expect("CAPA").sendLines("+OK", "USER", ".")
                .expect("QUIT").send("+OK\r\n")
                .expectClose());
                Client client = new Client(server)) {
            client.readLine();
            client.write("STLS\r\n");
            assertEquals("+OK begin TLS\r\n", client.readLine());
            client.upgrade(tls.clientContext(), "localhost");
            client.write("CAPA\r\n");
            assertEquals("+OK\r\nUSER\r\n.\r\n", client.readLines(3));
            client.write("QUIT\r\n");
            assertEquals("+OK\r\n", client.readLine());
            client.close();

            server.awaitScriptDone(WAIT);
            assertTrue(server.session(0).tlsActive());
            assertEquals("STLS\r\nCAPA\r\nQUIT\r\n", server.receivedText());
        }
    }

    @Test
    void certificateCoversTheLoopbackIpAddress() throws Exception {
        TestTls tls = TestTls.localhost();
        try (ScriptedPop3Server server = ScriptedPop3Server.builder()
                .implicitTls(tls.serverContext())
                .session(script -> script.greeting().expect("QUIT").send("+OK\r\n").hangUp())
                .start();
                Client client = new Client(server)) {
            client.upgrade(tls.clientContext(), "127.0.0.1");
            assertEquals(ScriptedPop3Server.GREETING, client.readLine());
            client.write("QUIT\r\n");
            assertEquals("+OK\r\n", client.readLine());
            assertEquals(-1, client.in.read());
            server.awaitScriptDone(WAIT);
            assertEquals("QUIT\r\n", server.receivedText());
        }
    }

    @Test
    void wrongHostCertificateFailsHostnameVerification() throws Exception {
        assertHandshakeRejected(TestTls.wrongHost(), "No subject alternative DNS name matching localhost");
    }

    @Test
    void expiredCertificateFailsValidation() throws Exception {
        assertHandshakeRejected(TestTls.expired(), "validity check failed");
    }

    private static void assertHandshakeRejected(TestTls tls, String reason) throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.builder()
                .implicitTls(tls.serverContext())
                .session(script -> script.greeting())
                .start();
                Client client = new Client(server)) {
            SSLHandshakeException rejected = assertThrows(SSLHandshakeException.class,
                    () -> client.upgrade(tls.clientContext(), "localhost"));
            assertTrue(rootCauseMessages(rejected).contains(reason), rootCauseMessages(rejected));
            AssertionError error = assertThrows(AssertionError.class, () -> server.awaitScriptDone(WAIT));
            assertTrue(error.getMessage().contains("implicit TLS handshake failed"), error.getMessage());
        }
    }

    private static String rootCauseMessages(Throwable error) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            messages.append(t).append(" <- ");
        }
        return messages.toString();
    }

    // ------------------------------------------------------------------------------------------------ several connections

    @Test
    void twoSequentialConnectionsEachPlayTheirScript() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.builder()
                .acceptConnections(2, script -> script.greeting().expect("STAT").send("+OK 0 0\r\n").expectClose())
                .start()) {
            for (int poll = 0; poll < 2; poll++) {
                try (Client client = new Client(server)) {
                    client.readLine();
                    client.write("STAT\r\n");
                    assertEquals("+OK 0 0\r\n", client.readLine());
                }
            }
            server.awaitScriptDone(WAIT);
            assertEquals(2, server.connectionCount());
            assertEquals("STAT\r\n", server.session(0).receivedText());
            assertEquals("STAT\r\n", server.session(1).receivedText());
            assertEquals("STAT\r\nSTAT\r\n", server.receivedText());
            assertTrue(server.clientClosed());
        }
    }

    @Test
    void differentScriptsPerConnectionAndAnUnexpectedThirdConnectionIsReported() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.builder()
                .session(script -> script.send("-ERR busy\r\n").hangUp())
                .session(script -> script.greeting().hangUp())
                .start()) {
            try (Client first = new Client(server)) {
                assertEquals("-ERR busy\r\n", first.readLine());
            }
            try (Client second = new Client(server)) {
                assertEquals(ScriptedPop3Server.GREETING, second.readLine());
            }
            server.awaitScriptDone(WAIT);
            try (Client third = new Client(server)) {
                assertEquals(-1, third.in.read());
            }
            AssertionError error = assertThrows(AssertionError.class, () -> server.awaitScriptDone(WAIT));
            assertTrue(error.getMessage().contains("unexpected connection #3: only 2 scripted"), error.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------------ a tiny client

    /** Plain socket client: no POP3 knowledge, exact bytes. */
    private static final class Client implements AutoCloseable {
        Socket socket;
        InputStream in;
        OutputStream out;

        Client(ScriptedPop3Server server) throws IOException {
            socket = new Socket(server.host(), server.port());
            socket.setSoTimeout(5000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void write(String text) throws IOException {
            out.write(text.getBytes(US_ASCII));
            out.flush();
        }

        /** One line including its line ending. */
        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                line.write(b);
                if (b == '\n') {
                    break;
                }
            }
            return line.toString(US_ASCII);
        }

        String readLines(int n) throws IOException {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < n; i++) {
                text.append(readLine());
            }
            return text.toString();
        }

        byte[] readToEof() throws IOException {
            return in.readAllBytes();
        }

        void upgrade(SSLContext context, String host) throws IOException {
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, host, socket.getPort(), true);
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(parameters);
            ssl.startHandshake();
            socket = ssl;
            in = ssl.getInputStream();
            out = ssl.getOutputStream();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
