package dev.pop3raw.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A fake POP3 server that plays a fixed script per connection, for unit tests of the POP3 client and the Camel consumer.
 *
 * <p>The server knows nothing about POP3: a {@link Script} is a list of steps — bytes to send, lines or bytes the client
 * must send, pauses, TLS upgrades and hostile endings (hang up, reset, stall, endless data). Every byte the client sends is
 * recorded exactly as it arrived ({@link #received()}), every byte the script sends too ({@link #sent()}), so tests can
 * assert the wire protocol both ways.
 *
 * <pre>{@code
 * try (ScriptedPop3Server server = ScriptedPop3Server.start(script -> script
 *         .send("+OK ready <1.2@host>\r\n")
 *         .expect("CAPA")
 *         .sendLines("+OK", "UIDL", "PIPELINING", ".")
 *         .expect("USER bob").send("+OK\r\n")
 *         .expectLine(line -> line.startsWith("PASS ")).send("+OK\r\n")
 *         .expect("RETR 1").sendBytes(message)
 *         .hangUp())) {
 *     ... connect the client to 127.0.0.1:server.port() ...
 *     server.awaitScriptDone(Duration.ofSeconds(5));
 *     assertEquals("CAPA\r\nUSER bob\r\nPASS secret\r\nRETR 1\r\n", server.receivedText());
 * }
 * }</pre>
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Listens on {@code 127.0.0.1}, ephemeral port. Connection <i>k</i> (in accept order) plays script <i>k</i>; each
 *       session runs on its own daemon thread. A connection beyond the scripted ones is closed at once and reported as a
 *       failure by {@link #awaitScriptDone}, unless {@link Builder#everyConnection} gives a script for every further
 *       connection (a server that stays up for a consumer polling again and again).</li>
 *   <li>{@link Script#converse} answers command by command with a {@link Responder}: for a server with state (a
 *       mailbox shared by the sessions, {@link ScriptedMailbox}) or one whose answers are data (a fuzz target).
 *       {@link Session#commands()} gives the command lines a session received, for server-side assertions.</li>
 *   <li>{@code expect*} steps wait at most the read timeout (default 5 s, {@link Builder#readTimeout}) for the client.
 *       Lines must end in CRLF; a bare LF, a different line, EOF or the timeout is a <b>mismatch</b>: the first one is
 *       recorded, the session's socket is closed and the script stops. {@link #awaitScriptDone} throws an
 *       {@link AssertionError} naming the session, step and what the client actually sent.</li>
 *   <li>Bytes are recorded when the server reads them from the socket, so {@link #received()} also contains bytes that
 *       arrived together with an expected line (pipelining) even if no step consumed them yet. With TLS, the recorded
 *       bytes are the decrypted application data; handshake records are not recorded.</li>
 *   <li>When a script ends without a terminal step, the connection stays open: the session keeps reading (recording
 *       everything, see {@link Session#receivedAfterScript()}) until the client closes, which sets
 *       {@link #clientClosed()}. The server never closes the socket on its own except by {@link Script#hangUp()},
 *       {@link Script#reset()}, after {@link Script#expectClose()}, on a mismatch, or on {@link #close()}.</li>
 *   <li>{@link #close()} closes the listening socket and every connection (the raw TCP socket, so even a thread blocked in
 *       a TLS write is released), interrupts all threads and joins them (bounded, 5 s). All threads are daemons.</li>
 * </ul>
 *
 * <p>Strings are encoded and lines compared with the server charset, UTF-8 unless {@link Builder#charset} says otherwise
 * (for ASCII commands this is byte-for-byte the same as ISO-8859-1 or US-ASCII).
 */
public final class ScriptedPop3Server implements AutoCloseable {

    /** The greeting sent by {@link Script#greeting()}. */
    public static final String GREETING = "+OK POP3 server ready\r\n";

    private static final int BUFFER_SIZE = 64 * 1024;
    private static final Duration CLOSE_JOIN_TIMEOUT = Duration.ofSeconds(5);

    private final ServerSocket serverSocket;
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final Consumer<Script> everyConnection;
    private final SSLContext implicitTls;
    private final Duration readTimeout;
    private final Charset charset;
    private final Thread acceptor;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<String> unexpectedConnections = new CopyOnWriteArrayList<>();
    private final Object monitor = new Object();
    private volatile String firstFailure;
    private volatile boolean closing;

    private ScriptedPop3Server(Builder builder) throws IOException {
        this.implicitTls = builder.implicitTls;
        this.readTimeout = builder.readTimeout;
        this.charset = builder.charset;
        this.everyConnection = builder.everyConnection;
        for (Consumer<Script> definition : builder.scripts) {
            sessions.add(newSession(sessions.size(), definition));
        }
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        this.acceptor = new Thread(this::acceptLoop, "scripted-pop3-accept-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true);
        threads.add(acceptor);
        acceptor.start();
    }

    private Session newSession(int index, Consumer<Script> definition) {
        Script script = new Script(charset);
        definition.accept(script);
        return new Session(index, script.steps);
    }

    // ------------------------------------------------------------------------------------------------- construction

    /** Starts a server that accepts exactly one connection and plays {@code script} on it. */
    public static ScriptedPop3Server start(Consumer<Script> script) {
        return builder().session(script).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Server options and the scripts, one per expected connection, in accept order. */
    public static final class Builder {
        private final List<Consumer<Script>> scripts = new ArrayList<>();
        private Consumer<Script> everyConnection;
        private SSLContext implicitTls;
        private Duration readTimeout = Duration.ofSeconds(5);
        private Charset charset = StandardCharsets.UTF_8;

        private Builder() {
        }

        /** The script for the next connection. */
        public Builder session(Consumer<Script> script) {
            scripts.add(Objects.requireNonNull(script));
            return this;
        }

        /** The next {@code n} connections each play a fresh copy of {@code script}. */
        public Builder acceptConnections(int n, Consumer<Script> script) {
            if (n < 1) {
                throw new IllegalArgumentException("n must be >= 1: " + n);
            }
            for (int i = 0; i < n; i++) {
                session(script);
            }
            return this;
        }

        /**
         * Every connection after the scripted ones (all connections, when there are none) plays {@code script}, with no
         * limit. The script is built when the connection is accepted, so {@code script} may set up state of its own per
         * connection (a {@link Responder} for {@link Script#converse}, the time of the accept). The sessions run
         * concurrently, each on its own thread, as the others do.
         */
        public Builder everyConnection(Consumer<Script> script) {
            this.everyConnection = Objects.requireNonNull(script);
            return this;
        }

        /** TLS from the first byte on every connection (POP3S, port 995 style), server side of {@code context}. */
        public Builder implicitTls(SSLContext context) {
            this.implicitTls = Objects.requireNonNull(context);
            return this;
        }

        /** How long an {@code expect*} step (and a TLS handshake) waits for the client. Default 5 s. */
        public Builder readTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.readTimeout = timeout;
            return this;
        }

        /** Charset for {@code send(String)}, line comparison and {@code *Text()} views. Default UTF-8. */
        public Builder charset(Charset charset) {
            this.charset = Objects.requireNonNull(charset);
            return this;
        }

        public ScriptedPop3Server start() {
            if (scripts.isEmpty() && everyConnection == null) {
                throw new IllegalStateException(
                        "no script: call session(...), acceptConnections(...) or everyConnection(...)");
            }
            try {
                return new ScriptedPop3Server(this);
            } catch (IOException e) {
                throw new IllegalStateException("cannot listen on 127.0.0.1", e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- the script

    /**
     * The steps of one connection, executed in order. Steps returning {@code void} end the connection; nothing can follow
     * them.
     */
    public static final class Script {
        private final Charset charset;
        private final List<Step> steps = new ArrayList<>();
        private boolean ended;

        private Script(Charset charset) {
            this.charset = charset;
        }

        // --- sending

        /** Sends {@code text} exactly as given (encoded with the server charset); no CRLF is added. */
        public Script send(String text) {
            return sendBytes("send " + quote(text), text.getBytes(charset));
        }

        /** Sends each line followed by CRLF: {@code sendLines("+OK", "UIDL", ".")} sends {@code "+OK\r\nUIDL\r\n.\r\n"}. */
        public Script sendLines(String... lines) {
            StringBuilder text = new StringBuilder();
            for (String line : lines) {
                text.append(line).append("\r\n");
            }
            return send(text.toString());
        }

        /** Sends {@link ScriptedPop3Server#GREETING}. */
        public Script greeting() {
            return send(GREETING);
        }

        /** Sends {@code bytes} exactly (copied now), in one write. */
        public Script sendBytes(byte[] bytes) {
            return sendBytes("sendBytes(" + bytes.length + " bytes)", bytes.clone());
        }

        private Script sendBytes(String description, byte[] bytes) {
            return add(description, session -> session.write(bytes));
        }

        // --- receiving

        /** The next line the client sends must equal {@code line} (given without CRLF, compared as bytes). */
        public Script expect(String line) {
            requireNoLineBreak(line);
            byte[] expected = line.getBytes(charset);
            return add("expect " + quote(line), session -> {
                byte[] actual = session.readLine();
                if (!Arrays.equals(expected, actual)) {
                    throw session.mismatch("client sent " + quote(session.text(actual)));
                }
            });
        }

        /** Expects one line per argument, in order: handy for commands the client pipelines. */
        public Script expect(String... lines) {
            for (String line : lines) {
                expect(line);
            }
            return this;
        }

        /** The next line (decoded, without CRLF) must satisfy {@code predicate}. */
        public Script expectLine(Predicate<String> predicate) {
            return expectLine("a line matching the predicate", predicate);
        }

        /** As {@link #expectLine(Predicate)}, with a description for the failure message. */
        public Script expectLine(String description, Predicate<String> predicate) {
            Objects.requireNonNull(predicate);
            return add("expectLine(" + description + ")", session -> {
                String actual = session.text(session.readLine());
                if (!predicate.test(actual)) {
                    throw session.mismatch("client sent " + quote(actual));
                }
            });
        }

        /** The client must send exactly these bytes next (line breaks included, no CRLF rule applied). */
        public Script expectBytes(byte[] bytes) {
            byte[] expected = bytes.clone();
            return add("expectBytes(" + quote(new String(expected, charset)) + ")", session -> {
                byte[] actual = session.readBytes(expected.length);
                if (!Arrays.equals(expected, actual)) {
                    throw session.mismatch("client sent " + quote(session.text(actual)));
                }
            });
        }

        /** Reads {@code n} CRLF-terminated lines of any content (they are recorded like everything else). */
        public Script readLines(int n) {
            return add("readLines(" + n + ")", session -> {
                for (int i = 0; i < n; i++) {
                    session.readLine();
                }
            });
        }

        /**
         * The client must send nothing for {@code duration} (for example: it must wait for the STLS {@code +OK}, or must
         * not pipeline without PIPELINING). Bytes, or the client closing, are a mismatch.
         */
        public Script expectSilence(Duration duration) {
            return add("expectSilence(" + duration.toMillis() + " ms)", session -> session.expectSilence(duration));
        }

        // --- timing and TLS

        /** Sleeps: a slow server. */
        public Script pause(Duration duration) {
            return add("pause(" + duration.toMillis() + " ms)", session -> Thread.sleep(duration.toMillis()));
        }

        /**
         * Switches the connection to TLS, server side of {@code context}, and completes the handshake (within the read
         * timeout). Place it after the {@code +OK} to STLS. Plaintext bytes that arrived after the STLS line and before the
         * handshake are a mismatch (the STARTTLS command injection pattern); so is a failed handshake.
         */
        public Script startTls(SSLContext context) {
            Objects.requireNonNull(context);
            return add("startTls", session -> session.startTls(context));
        }

        // --- endings

        /** Closes the connection now (FIN; with TLS, close_notify first): the client reads EOF. */
        public void hangUp() {
            end("hangUp", Session::hangUp);
        }

        /** Closes the connection with a TCP reset (SO_LINGER 0): the client sees "connection reset". */
        public void reset() {
            end("reset", Session::reset);
        }

        /**
         * Sends nothing more and keeps the connection open until the client closes it (or {@link #close()}): for read
         * timeouts. Whatever the client sends meanwhile is recorded. The step, and so the script, is done when the client
         * has closed.
         */
        public void stall() {
            end("stall", Session::stall);
        }

        /**
         * Sends {@code pattern} over and over until writing fails because the client closed (or {@link #close()}): for
         * size limits and "stop reading" paths. These bytes are counted in {@link Session#bytesSentForever()}, not kept in
         * {@link Session#sent()}.
         */
        public void sendForever(String pattern) {
            if (pattern.isEmpty()) {
                throw new IllegalArgumentException("empty pattern");
            }
            byte[] bytes = pattern.getBytes(charset);
            end("sendForever(" + quote(pattern) + ")", session -> session.sendForever(bytes));
        }

        /**
         * Answers the client command by command until the client closes the connection (the script is then done) or a
         * {@link Reply} ends it: each CRLF-terminated line the client sends (without its CRLF) is given to
         * {@code responder}, and its reply is sent. Waiting longer than the read timeout for the next command is a
         * mismatch; the client closing between commands is not.
         */
        public void converse(Responder responder) {
            Objects.requireNonNull(responder);
            end("converse", session -> session.converse(responder));
        }

        /**
         * Shuts down the server's sending side (FIN; the client reads EOF) and reads, recording, whatever the client still
         * sends until it closes. Plain connections only.
         */
        public void halfClose() {
            end("halfClose", Session::halfClose);
        }

        /**
         * The client must close the connection (EOF or reset) within the read timeout, sending nothing more; then the
         * server closes its side.
         */
        public void expectClose() {
            end("expectClose", Session::expectClose);
        }

        private Script add(String description, Action action) {
            if (ended) {
                throw new IllegalStateException("no step may follow " + steps.get(steps.size() - 1).description);
            }
            steps.add(new Step(description, action, false));
            return this;
        }

        private void end(String description, Action action) {
            add(description, action);
            steps.set(steps.size() - 1, new Step(description, action, true));
            ended = true;
        }

        private static void requireNoLineBreak(String line) {
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("give the line without CR/LF (use expectBytes for raw bytes): "
                        + quote(line));
            }
        }
    }

    private record Step(String description, Action action, boolean terminal) {
    }

    /** The answers of {@link Script#converse}: one {@link Reply} per command line the client sends. */
    @FunctionalInterface
    public interface Responder {
        /** The reply to {@code command}, a line the client sent, without its CRLF. */
        Reply answer(String command) throws IOException;
    }

    /** What {@link Script#converse} sends in reply to one command, and whether the conversation goes on. */
    public static final class Reply {
        private enum Then {
            CONTINUE, HANG_UP, HALF_CLOSE
        }

        private final byte[] bytes;
        private final Then then;

        private Reply(byte[] bytes, Then then) {
            this.bytes = bytes;
            this.then = then;
        }

        /** Sends {@code bytes} exactly (raw: any framing, any garbage); the conversation goes on. */
        public static Reply bytes(byte[] bytes) {
            return new Reply(bytes.clone(), Then.CONTINUE);
        }

        /** Sends {@code text} (UTF-8) exactly; no CRLF is added. */
        public static Reply text(String text) {
            return new Reply(text.getBytes(StandardCharsets.UTF_8), Then.CONTINUE);
        }

        /** Sends each line followed by CRLF. */
        public static Reply lines(String... lines) {
            StringBuilder text = new StringBuilder();
            for (String line : lines) {
                text.append(line).append("\r\n");
            }
            return text(text.toString());
        }

        /** Sends nothing and closes the connection: a server that cuts the session at this command. */
        public static Reply hangUp() {
            return new Reply(new byte[0], Then.HANG_UP);
        }

        /** After sending this reply, closes the connection (as {@link Script#hangUp()}). */
        public Reply thenHangUp() {
            return new Reply(bytes, Then.HANG_UP);
        }

        /** After sending this reply, shuts down the sending side (as {@link Script#halfClose()}). */
        public Reply thenHalfClose() {
            return new Reply(bytes, Then.HALF_CLOSE);
        }
    }

    @FunctionalInterface
    private interface Action {
        void run(Session session) throws Exception;
    }

    private static final class ScriptMismatch extends Exception {
        private static final long serialVersionUID = 1L;

        ScriptMismatch(String message) {
            super(message, null, false, false);
        }
    }

    // ------------------------------------------------------------------------------------------------- a session

    /** What happened on one scripted connection. All accessors are safe to call from the test thread at any time. */
    public final class Session {
        private final int index;
        private final List<Step> steps;
        private final ByteArrayOutputStream receivedBytes = new ByteArrayOutputStream();
        private final ByteArrayOutputStream sentBytes = new ByteArrayOutputStream();
        private volatile int receivedAtScriptEnd = -1;
        private volatile boolean connected;
        private volatile boolean scriptDone;
        private volatile boolean finished;
        private volatile boolean clientClosed;
        private volatile boolean tls;
        private volatile long bytesSentForever;
        private volatile int currentStep = -1;
        private volatile String mismatch;

        // runtime, used by the session thread only (raw is also closed by close())
        private volatile Socket raw;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private final byte[] buf = new byte[BUFFER_SIZE];
        private int pos;
        private int lim;

        private Session(int index, List<Step> steps) {
            this.index = index;
            this.steps = List.copyOf(steps);
        }

        public int index() {
            return index;
        }

        /** The client connected (this is connection number {@link #index()}). */
        public boolean connected() {
            return connected;
        }

        /** Every step ran successfully (for {@code stall}/{@code sendForever}: the client has gone). */
        public boolean scriptDone() {
            return scriptDone;
        }

        /** Everything the client sent on this connection, exactly, as far as the server has read it. */
        public byte[] received() {
            synchronized (receivedBytes) {
                return receivedBytes.toByteArray();
            }
        }

        public String receivedText() {
            return new String(received(), charset);
        }

        /**
         * The command lines the client sent on this connection so far (complete CRLF-terminated lines, without the CRLF,
         * in order; an unterminated last line is left out): what a server-side assertion counts.
         */
        public List<String> commands() {
            String text = receivedText();
            int end = text.lastIndexOf("\r\n");
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\r\n", -1));
        }

        /** What the client sent after the last step (the session keeps reading until the client closes). */
        public byte[] receivedAfterScript() {
            int from = receivedAtScriptEnd;
            byte[] all = received();
            return from < 0 ? new byte[0] : Arrays.copyOfRange(all, from, all.length);
        }

        /** Everything the script sent, exactly (except {@code sendForever} data). */
        public byte[] sent() {
            synchronized (sentBytes) {
                return sentBytes.toByteArray();
            }
        }

        public String sentText() {
            return new String(sent(), charset);
        }

        public long bytesSentForever() {
            return bytesSentForever;
        }

        /** The mismatch that stopped this session, if any. */
        public Optional<String> mismatch() {
            return Optional.ofNullable(mismatch);
        }

        /** The server saw the client end the connection: EOF, reset, or a write failing because the peer went away. */
        public boolean clientClosed() {
            return clientClosed;
        }

        /** The connection is (or was last) TLS-protected, by implicit TLS or {@code startTls}. */
        public boolean tlsActive() {
            return tls;
        }

        @Override
        public String toString() {
            String state = !connected
                    ? "not connected"
                    : scriptDone
                            ? "script done"
                            : mismatch != null
                                    ? "mismatch"
                                    : currentStep < 0
                                            ? "starting"
                                            : "at step " + currentStep + " (" + steps.get(currentStep).description
                                                    + ")";
            return "session " + index + " [" + state + ", clientClosed=" + clientClosed + "] received "
                    + quote(receivedText()) + ", sent " + quote(abbreviate(sentText()));
        }

        // --- the session thread

        private void run(Socket accepted) {
            raw = accepted;
            socket = accepted;
            boolean terminated = false;
            try {
                if (closing) {
                    return;
                }
                in = socket.getInputStream();
                out = socket.getOutputStream();
                if (implicitTls != null) {
                    upgrade(implicitTls, "implicit TLS handshake failed: ");
                }
                for (int i = 0; i < steps.size(); i++) {
                    currentStep = i;
                    Step step = steps.get(i);
                    step.action.run(this);
                    terminated = step.terminal;
                }
                synchronized (receivedBytes) {
                    receivedAtScriptEnd = receivedBytes.size();
                }
                scriptDone = true;
                signal();
                if (!terminated) {
                    drainUntilClientCloses();
                }
            } catch (ScriptMismatch e) {
                recordMismatch(e.getMessage());
            } catch (InterruptedException e) {
                // close() in progress
            } catch (Exception e) {
                if (!closing) {
                    recordMismatch(where() + ": unexpected " + e);
                }
            } finally {
                closeQuietly(raw);
                finished = true;
                signal();
            }
        }

        private String where() {
            int i = currentStep;
            return "session " + index + (i < 0
                    ? ", before the first step"
                    : ", step " + (i + 1) + " ("
                            + steps.get(i).description + ")");
        }

        private ScriptMismatch mismatch(String what) {
            return new ScriptMismatch(where() + ": " + what);
        }

        private void recordMismatch(String message) {
            if (closing) {
                return;
            }
            mismatch = message;
            synchronized (monitor) {
                if (firstFailure == null) {
                    firstFailure = message;
                }
                monitor.notifyAll();
            }
        }

        private String text(byte[] bytes) {
            return new String(bytes, charset);
        }

        private void write(byte[] bytes) throws ScriptMismatch {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                clientClosed = true;
                throw mismatch("client went away while the server was sending (" + e.getMessage() + ")");
            }
            synchronized (sentBytes) {
                sentBytes.writeBytes(bytes);
            }
        }

        /** Reads into the buffer; -1 on EOF. Timeout 0 = wait forever. Resets count as EOF and set clientClosed. */
        private int fill(int timeoutMillis) throws IOException {
            if (pos == lim) {
                pos = 0;
                lim = 0;
            } else if (lim == buf.length && pos > 0) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            }
            socket.setSoTimeout(timeoutMillis);
            int n;
            try {
                n = in.read(buf, lim, buf.length - lim);
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                if (closing) {
                    throw e;
                }
                n = -1; // connection reset or TLS connection torn down by the peer
            }
            if (n < 0) {
                clientClosed = true;
                signal();
                return -1;
            }
            synchronized (receivedBytes) {
                receivedBytes.write(buf, lim, n);
            }
            lim += n;
            return n;
        }

        private int remainingMillis(long deadline) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
        }

        /** One CRLF-terminated line without its CRLF. */
        private byte[] readLine() throws IOException, ScriptMismatch {
            return readLine(false);
        }

        /** As {@link #readLine()}; with {@code eofOk}, null when the client closed before sending anything more. */
        private byte[] readLine(boolean eofOk) throws IOException, ScriptMismatch {
            long deadline = System.nanoTime() + readTimeout.toNanos();
            int scanned = pos;
            while (true) {
                for (int i = scanned; i < lim; i++) {
                    if (buf[i] == '\n') {
                        byte[] line = Arrays.copyOfRange(buf, pos, i + 1);
                        pos = i + 1;
                        if (line.length < 2 || line[line.length - 2] != '\r') {
                            throw mismatch("line not terminated by CRLF (bare LF): " + quote(text(line)));
                        }
                        return Arrays.copyOf(line, line.length - 2);
                    }
                }
                if (pos == 0 && lim == buf.length) {
                    throw mismatch("no CRLF within " + buf.length + " bytes");
                }
                int pending = lim - pos;
                try {
                    if (fill(remainingMillis(deadline)) < 0) {
                        if (eofOk && pending == 0) {
                            return null;
                        }
                        throw mismatch(pending == 0
                                ? "client closed the connection"
                                : "client closed the connection after an unterminated line "
                                        + quote(text(Arrays.copyOfRange(buf, pos, lim))));
                    }
                } catch (SocketTimeoutException e) {
                    throw mismatch("nothing (complete) received within " + readTimeout.toMillis() + " ms"
                            + (lim > pos ? "; partial line " + quote(text(Arrays.copyOfRange(buf, pos, lim))) : ""));
                }
                scanned = pos + pending; // fill may have compacted the buffer; the pending bytes hold no LF
            }
        }

        private byte[] readBytes(int n) throws IOException, ScriptMismatch {
            long deadline = System.nanoTime() + readTimeout.toNanos();
            ByteArrayOutputStream got = new ByteArrayOutputStream(n);
            while (got.size() < n) {
                if (pos == lim) {
                    try {
                        if (fill(remainingMillis(deadline)) < 0) {
                            throw mismatch("client closed the connection after " + quote(text(got.toByteArray())));
                        }
                    } catch (SocketTimeoutException e) {
                        throw mismatch("only " + quote(text(got.toByteArray())) + " received within "
                                + readTimeout.toMillis() + " ms");
                    }
                }
                int take = Math.min(lim - pos, n - got.size());
                got.write(buf, pos, take);
                pos += take;
            }
            return got.toByteArray();
        }

        private void expectSilence(Duration duration) throws IOException, ScriptMismatch {
            if (lim > pos) {
                throw mismatch("client had already sent " + quote(text(Arrays.copyOfRange(buf, pos, lim))));
            }
            long deadline = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    if (fill(remainingMillis(deadline)) < 0) {
                        throw mismatch("client closed the connection");
                    }
                    throw mismatch("client sent " + quote(text(Arrays.copyOfRange(buf, pos, lim))));
                } catch (SocketTimeoutException expected) {
                    return;
                }
            }
        }

        private void startTls(SSLContext context) throws IOException, ScriptMismatch {
            if (lim > pos) {
                throw mismatch("client sent plaintext after the command, before the TLS handshake: "
                        + quote(text(Arrays.copyOfRange(buf, pos, lim))));
            }
            upgrade(context, "TLS handshake failed: ");
        }

        private void upgrade(SSLContext context, String failure) throws IOException, ScriptMismatch {
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, (InputStream) null, true);
            ssl.setUseClientMode(false);
            ssl.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
            try {
                ssl.startHandshake();
            } catch (IOException e) {
                if (closing) {
                    throw e;
                }
                throw mismatch(failure + e);
            }
            socket = ssl;
            in = ssl.getInputStream();
            out = ssl.getOutputStream();
            pos = 0;
            lim = 0;
            tls = true;
        }

        private void hangUp() throws IOException {
            socket.close();
        }

        private void converse(Responder responder) throws Exception {
            byte[] line;
            while ((line = readLine(true)) != null) {
                Reply reply = responder.answer(text(line));
                if (reply.bytes.length > 0) {
                    write(reply.bytes);
                }
                switch (reply.then) {
                    case HANG_UP -> {
                        hangUp();
                        return;
                    }
                    case HALF_CLOSE -> {
                        halfClose();
                        return;
                    }
                    default -> {
                        // next command
                    }
                }
            }
        }

        private void halfClose() throws IOException {
            socket.shutdownOutput();
            drainUntilClientCloses();
        }

        private void reset() throws IOException {
            raw.setSoLinger(true, 0);
            raw.close();
        }

        private void stall() throws IOException {
            pos = lim;
            while (fill(0) >= 0) {
                pos = lim;
            }
        }

        private void sendForever(byte[] pattern) {
            int repeat = Math.max(1, 8192 / pattern.length);
            byte[] chunk = new byte[pattern.length * repeat];
            for (int i = 0; i < repeat; i++) {
                System.arraycopy(pattern, 0, chunk, i * pattern.length, pattern.length);
            }
            try {
                while (!closing) {
                    out.write(chunk);
                    bytesSentForever += chunk.length;
                }
            } catch (IOException e) {
                if (!closing) {
                    clientClosed = true;
                }
            }
        }

        private void expectClose() throws IOException, ScriptMismatch {
            long deadline = System.nanoTime() + readTimeout.toNanos();
            if (lim > pos) {
                throw mismatch("client sent " + quote(text(Arrays.copyOfRange(buf, pos, lim))));
            }
            try {
                if (fill(remainingMillis(deadline)) >= 0) {
                    throw mismatch("client sent " + quote(text(Arrays.copyOfRange(buf, pos, lim))));
                }
            } catch (SocketTimeoutException e) {
                throw mismatch("client did not close the connection within " + readTimeout.toMillis() + " ms");
            }
        }

        private void drainUntilClientCloses() throws IOException {
            pos = lim;
            while (!closing && fill(0) >= 0) {
                pos = lim;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- server side

    private void acceptLoop() {
        int accepted = 0;
        while (!closing) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return; // closed
            }
            int number = accepted++;
            if (number >= sessions.size() && everyConnection != null) {
                try {
                    sessions.add(newSession(number, everyConnection));
                } catch (RuntimeException e) {
                    String failure = "connection #" + (number + 1) + ": its script failed to build: " + e;
                    unexpectedConnections.add(failure);
                    synchronized (monitor) {
                        if (firstFailure == null) {
                            firstFailure = failure;
                        }
                        monitor.notifyAll();
                    }
                    closeQuietly(socket);
                    continue;
                }
            }
            if (number >= sessions.size()) {
                String failure = "unexpected connection #" + (number + 1) + ": only " + sessions.size() + " scripted";
                unexpectedConnections.add(failure);
                synchronized (monitor) {
                    if (firstFailure == null) {
                        firstFailure = failure;
                    }
                    monitor.notifyAll();
                }
                // recorded before the close, so a client that sees the close can rely on the report
                closeQuietly(socket);
                continue;
            }
            Session session = sessions.get(number);
            session.connected = true;
            Thread thread = new Thread(() -> session.run(socket), "scripted-pop3-session-" + number + "-" + port());
            thread.setDaemon(true);
            threads.add(thread);
            if (closing) {
                closeQuietly(socket);
                return;
            }
            thread.start();
        }
    }

    private void signal() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** The listening port on 127.0.0.1. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** {@code 127.0.0.1}. */
    public String host() {
        return serverSocket.getInetAddress().getHostAddress();
    }

    /**
     * Waits until every scripted connection has run its whole script, and fails on the first problem: a mismatch (with
     * the session, step and what the client sent), an unexpected extra connection, or the timeout (listing each session's
     * state and what it received). Returns as soon as a mismatch happens, without waiting for the other sessions.
     */
    public void awaitScriptDone(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (firstFailure == null && !sessions.stream().allMatch(s -> s.scriptDone)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for the script", e);
                }
            }
        }
        String failure = firstFailure;
        if (failure != null) {
            throw new AssertionError("scripted POP3 server: " + failure + "\n" + describe());
        }
        if (!sessions.stream().allMatch(s -> s.scriptDone)) {
            throw new AssertionError("scripted POP3 server: script not done after " + timeout.toMillis() + " ms\n"
                    + describe());
        }
    }

    /** Waits until the server has seen the client close every scripted connection; false on timeout. */
    public boolean awaitClientClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (!clientClosed()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private String describe() {
        StringBuilder text = new StringBuilder();
        for (Session session : sessions) {
            text.append("  ").append(session).append('\n');
        }
        for (String unexpected : unexpectedConnections) {
            text.append("  ").append(unexpected).append('\n');
        }
        return text.toString();
    }

    /** Session {@code index} (connection number, in accept order). */
    public Session session(int index) {
        return sessions.get(index);
    }

    /** The sessions so far (a snapshot: with {@link Builder#everyConnection} more may follow). */
    public List<Session> sessions() {
        return List.copyOf(sessions);
    }

    /**
     * A loopback port nothing listens on: bound, then released at once (for "connection refused"). Another process
     * could take it meanwhile, as with any such port.
     */
    public static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind a loopback port", e);
        }
    }

    /** Number of connections accepted so far, unexpected ones included. */
    public int connectionCount() {
        return (int) sessions.stream().filter(s -> s.connected).count() + unexpectedConnections.size();
    }

    /** Everything the clients sent, exactly: the sessions' {@link Session#received()} concatenated in accept order. */
    public byte[] received() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        sessions.forEach(s -> all.writeBytes(s.received()));
        return all.toByteArray();
    }

    public String receivedText() {
        return new String(received(), charset);
    }

    /** Everything the scripts sent, concatenated in accept order. */
    public byte[] sent() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        sessions.forEach(s -> all.writeBytes(s.sent()));
        return all.toByteArray();
    }

    /** The first mismatch or unexpected connection, if any. */
    public Optional<String> mismatch() {
        return Optional.ofNullable(firstFailure);
    }

    /** The client closed every scripted connection (all connected, and EOF/reset seen on each). */
    public boolean clientClosed() {
        return sessions.stream().allMatch(s -> s.clientClosed);
    }

    /**
     * Closes the listening socket and every connection's raw TCP socket, which unblocks the acceptor and every session
     * thread (blocked reads and writes fail, sleeps are interrupted), then joins all threads for up to 5 s in total.
     * Idempotent; never throws.
     */
    @Override
    public void close() {
        closing = true;
        closeQuietly(serverSocket);
        for (Session session : sessions) {
            closeQuietly(session.raw);
        }
        for (Thread thread : threads) {
            thread.interrupt();
        }
        long deadline = System.nanoTime() + CLOSE_JOIN_TIMEOUT.toNanos();
        for (Thread thread : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                break;
            }
            try {
                thread.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    /** True once {@link #close()} has returned and no server thread is alive (for tests of this class). */
    boolean allThreadsEnded() {
        return threads.stream().noneMatch(Thread::isAlive);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        out.append(String.format("\\x%02X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "...(" + text.length() + " chars)";
    }
}
