package dev.pop3raw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * A TCP proxy for fault injection: it forwards loopback connections to a target (a real Dovecot) and cuts them
 * where a {@link Plan} says so: after a number of bytes from the client to the server, after a number of bytes from
 * the server to the client, at connect (refused: accepted and closed at once), or when the client sends a given
 * command line (that line is not forwarded, so the server never sees it; e.g. {@code QUIT}).
 *
 * <p>A cut closes both sockets at once: the client sees the connection end, the server sees
 * "Connection closed" (a POP3 server then commits no DELE). Everything runs on daemon threads; {@link #close()}
 * closes the listener and every connection. Each connection is recorded ({@link Connection}): bytes each way,
 * whether and where it was cut ({@link Cut}: direction, FIN or RST, protocol position), when both of its sockets were closed, and the client's data chunks as they
 * arrived (to show that commands were pipelined).
 */
public final class FaultyProxy implements AutoCloseable {

    /**
     * What to do with one connection. Offsets are bytes forwarded before the cut; -1 means no cut that way.
     * {@code reset}: the cut (or refusal) closes both sockets with a TCP reset (RST, SO_LINGER 0) instead of an
     * orderly FIN. {@code atCommand}/{@code atOccurrence}/{@code atOffset}/{@code atClientSide}: a cut placed by the
     * protocol rather than by a byte count: {@code atOffset} bytes into the {@code atOccurrence}-th (1-based)
     * {@code atCommand} line the client sends (client to server), or into the server's reply to it (server to client;
     * {@code "GREETING"} names the greeting); a line or reply shorter than the offset is cut just before its last LF.
     * A cut whose command is never sent never happens.
     */
    public record Plan(boolean refuse, long clientToServerCut, long serverToClientCut, String dropOnClientLine,
            boolean reset, String atCommand, int atOccurrence, long atOffset, boolean atClientSide,
            boolean gated) {

        public static final Plan PASS = new Plan(false, -1, -1, null, false, null, 0, -1, false, false);
        public static final Plan REFUSE = new Plan(true, -1, -1, null, false, null, 0, -1, false, false);

        public static Plan cutClientToServer(long offset) {
            return new Plan(false, offset, -1, null, false, null, 0, -1, false, false);
        }

        public static Plan cutServerToClient(long offset) {
            return new Plan(false, -1, offset, null, false, null, 0, -1, false, false);
        }

        /** Cuts the connection when the client sends this line (without CRLF, case-insensitive), unforwarded. */
        public static Plan dropOnClientLine(String line) {
            return new Plan(false, -1, -1, Objects.requireNonNull(line), false, null, 0, -1, false, false);
        }

        /**
         * Cuts {@code offset} bytes into the {@code occurrence}-th (from 1) {@code command} the client sends (its line
         * when {@code clientSide}, else the server's reply to it; {@code "GREETING"} with occurrence 1 is the greeting).
         */
        public static Plan cutAtCommand(boolean clientSide, String command, int occurrence, long offset) {
            return new Plan(false, -1, -1, null, false, command.toUpperCase(Locale.ROOT), occurrence, offset,
                    clientSide, false);
        }

        /** The same plan, cutting (or refusing) with a TCP reset instead of a FIN. */
        public Plan withReset() {
            return new Plan(refuse, clientToServerCut, serverToClientCut, dropOnClientLine, true, atCommand,
                    atOccurrence, atOffset, atClientSide, gated);
        }

        /**
         * The same plan, but a protocol-placed cut waits at its place (holding that stream) until the proxy's
         * {@link FaultyProxy#gate gate} opens for the connection, at most {@link #GATE_TIMEOUT_MS}; e.g. until the
         * client has processed some messages of the session, which the proxy cannot see (it runs ahead of the client
         * by the sockets' buffers).
         */
        public Plan withGate() {
            return new Plan(refuse, clientToServerCut, serverToClientCut, dropOnClientLine, reset, atCommand,
                    atOccurrence, atOffset, atClientSide, true);
        }

        public static final long GATE_TIMEOUT_MS = 10_000;

        public boolean cuts() {
            return refuse || clientToServerCut >= 0 || serverToClientCut >= 0 || dropOnClientLine != null
                    || atCommand != null;
        }

        /** Whether a cut of this plan stops the client's stream first (else the server's, or a refusal). */
        public boolean cutsClientToServer() {
            return clientToServerCut >= 0 || dropOnClientLine != null || atCommand != null && atClientSide;
        }

        public boolean cutsServerToClient() {
            return serverToClientCut >= 0 || atCommand != null && !atClientSide;
        }
    }

    /** Where in the POP3 session a cut landed, as seen by the proxy (from both streams, at the moment of the cut). */
    public enum Position {
        /** Refused at connect. */
        CONNECT,
        /** Greeting, CAPA, STLS, USER/PASS/APOP/AUTH: no maildrop command sent yet. */
        LOGIN,
        /** STAT/LIST/UIDL sent, no RETR/TOP yet. */
        LISTING,
        /** Inside a RETR or TOP reply: some but not all of its bytes forwarded to the client. */
        RETR_REPLY,
        /** RETR/TOP sent, but not inside a reply (between two messages, or waiting for the first). */
        BETWEEN_MESSAGES,
        /** DELE, RSET or QUIT sent (and not inside a RETR reply). */
        DELE_QUIT
    }

    /**
     * Follows both streams of one connection: the client's command lines and the server's replies (status lines,
     * multi-line data up to its terminating dot, SASL continuations), so that a cut can be placed by the protocol and
     * classified afterwards. Guarded by its own monitor.
     */
    static final class Tracker {
        private record Pending(String verb, int occurrence, boolean multiLine) {
        }

        private final java.util.ArrayDeque<Pending> pending = new java.util.ArrayDeque<>();
        private final java.util.Map<String, Integer> sent = new java.util.HashMap<>();
        private final StringBuilder clientLine = new StringBuilder();
        private final StringBuilder statusLine = new StringBuilder();
        private boolean inData;
        private int dataLineLength;
        private boolean dataLineDot;
        private long bytesIntoReply;
        private int retrCompleted;
        private String lastCommand;

        Tracker() {
            pending.add(new Pending("GREETING", 1, false));
        }

        /** Reads one command line of the client (called when its LF has been forwarded). */
        void clientLine(String line) {
            Pending last = pending.peekLast();
            if (last != null && last.verb.equals("AUTH")) {
                return; // a SASL response to a continuation, not a command (AUTH is never pipelined)
            }
            String trimmed = line.strip();
            int space = trimmed.indexOf(' ');
            String verb = (space < 0 ? trimmed : trimmed.substring(0, space)).toUpperCase(Locale.ROOT);
            boolean argless = space < 0;
            int occurrence = sent.merge(verb, 1, Integer::sum);
            boolean multiLine = verb.equals("CAPA") || verb.equals("RETR") || verb.equals("TOP")
                    || argless && (verb.equals("LIST") || verb.equals("UIDL"));
            pending.add(new Pending(verb, occurrence, multiLine));
            lastCommand = verb;
        }

        void clientByte(byte b) {
            clientLine.append((char) (b & 0xff));
            if (b == '\n') {
                clientLine(clientLine.toString());
                clientLine.setLength(0);
            }
        }

        /**
         * Whether the next server byte {@code b} is {@code offset} bytes into the reply to the occurrence-th
         * {@code verb}, or is the last byte of that reply (a shorter reply is cut just before its last LF: for
         * multi-line data, in its terminating dot line).
         */
        boolean serverAt(String verb, int occurrence, long offset, byte b) {
            Pending head = pending.peek();
            return head != null && head.verb.equals(verb) && head.occurrence == occurrence
                    && (bytesIntoReply == offset || endsReply(head, b));
        }

        private boolean endsReply(Pending head, byte b) {
            if (b != '\n') {
                return false;
            }
            if (inData) {
                return dataLineDot && (dataLineLength == 1 || dataLineLength == 2);
            }
            String line = statusLine.toString();
            boolean continuation = head.verb.equals("AUTH")
                    && (line.startsWith("+ ") || line.equals("+\r") || line.isEmpty());
            return !continuation && !(head.multiLine && line.startsWith("+OK"));
        }

        void serverByte(byte b) {
            Pending head = pending.peek();
            if (head == null) {
                return; // unasked for: nothing to follow
            }
            bytesIntoReply++;
            if (!inData) {
                if (statusLine.length() < 512) {
                    statusLine.append((char) (b & 0xff));
                }
                if (b != '\n') {
                    return;
                }
                String line = statusLine.toString();
                statusLine.setLength(0);
                if (head.verb.equals("AUTH") && (line.startsWith("+ ") || line.equals("+\r\n") || line.equals("+\n"))) {
                    return; // a SASL continuation: the AUTH reply goes on
                }
                if (head.multiLine && line.startsWith("+OK")) {
                    inData = true;
                    dataLineLength = 0;
                    return;
                }
                replyEnded(head);
                return;
            }
            dataLineLength++;
            if (dataLineLength == 1) {
                dataLineDot = b == '.';
            }
            if (b == '\n') {
                boolean terminator = dataLineDot && (dataLineLength == 2 || dataLineLength == 3);
                dataLineLength = 0;
                if (terminator) {
                    replyEnded(head);
                }
            } else if (dataLineLength == 2 && dataLineDot && b != '\r') {
                dataLineDot = false;
            }
        }

        private void replyEnded(Pending head) {
            pending.poll();
            if (head.verb.equals("RETR") || head.verb.equals("TOP")) {
                retrCompleted++;
            }
            inData = false;
            bytesIntoReply = 0;
        }

        Position position() {
            Pending head = pending.peek();
            if (head != null && (head.verb.equals("RETR") || head.verb.equals("TOP")) && bytesIntoReply > 0) {
                return Position.RETR_REPLY;
            }
            if (sent.containsKey("DELE") || sent.containsKey("QUIT") || sent.containsKey("RSET")) {
                return Position.DELE_QUIT;
            }
            if (sent.containsKey("RETR") || sent.containsKey("TOP")) {
                return Position.BETWEEN_MESSAGES;
            }
            if (sent.containsKey("STAT") || sent.containsKey("LIST") || sent.containsKey("UIDL")) {
                return Position.LISTING;
            }
            return Position.LOGIN;
        }

        int sentCount(String verb) {
            return sent.getOrDefault(verb, 0);
        }

        boolean inAuth() {
            Pending last = pending.peekLast();
            return last != null && last.verb.equals("AUTH");
        }

        int retrCompleted() {
            return retrCompleted;
        }

        String lastCommand() {
            return lastCommand;
        }
    }

    /** The direction of the stream a cut stopped first. */
    public enum Direction {
        CLIENT_TO_SERVER, SERVER_TO_CLIENT, REFUSED
    }

    /**
     * One cut as it happened: the stream it stopped (the other one goes with it), FIN or RST, the protocol position,
     * the last command the client had sent, and how many RETR/TOP replies the client had received whole.
     */
    public record Cut(Direction direction, boolean reset, Position position, String lastCommand,
            int retrRepliesCompleted) {

        public String kind() {
            return reset ? "RST" : "FIN";
        }

        @Override
        public String toString() {
            return direction + "/" + kind() + " at " + position + " (last command " + lastCommand + ", "
                    + retrRepliesCompleted + " RETR replies whole)";
        }
    }

    /** The record of one proxied connection. */
    public static final class Connection {
        private final int index;
        private final Plan plan;
        private final AtomicLong clientToServer = new AtomicLong();
        private final AtomicLong serverToClient = new AtomicLong();
        private final AtomicBoolean cut = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final List<String> clientChunks = new CopyOnWriteArrayList<>();
        private final Tracker tracker = new Tracker();
        private volatile Cut cutRecord;
        private volatile Socket client;
        private volatile Socket server;

        Connection(int index, Plan plan) {
            this.index = index;
            this.plan = plan;
        }

        public int index() {
            return index;
        }

        public Plan plan() {
            return plan;
        }

        public long clientToServerBytes() {
            return clientToServer.get();
        }

        public long serverToClientBytes() {
            return serverToClient.get();
        }

        /** Whether the plan's cut really happened (a cut beyond the end of the session never does). */
        public boolean wasCut() {
            return cut.get();
        }

        /** Where and how the cut happened; null when it did not (yet). */
        public Cut cutRecord() {
            return cutRecord;
        }

        /** Both sockets closed (by a cut, or because one side closed and the other was then closed too). */
        public boolean isClosed() {
            return closed.get();
        }

        /** What the client sent, one entry per read() as it arrived (ISO-8859-1), when recording is on. */
        public List<String> clientChunks() {
            return List.copyOf(clientChunks);
        }

        @Override
        public String toString() {
            return "connection " + index + " " + plan + " c->s=" + clientToServer + " s->c=" + serverToClient
                    + (cut.get() ? " CUT " + cutRecord : "") + (closed.get() ? " closed" : " open");
        }
    }

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger cuts = new AtomicInteger();
    private volatile IntFunction<Plan> planner = i -> Plan.PASS;
    private volatile Consumer<Connection> onClosed = c -> {
    };
    private volatile java.util.function.Predicate<Connection> gate = c -> true;
    private volatile boolean recordClientChunks;
    private volatile boolean closedProxy;

    private FaultyProxy(String host, int port) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "faulty-proxy-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy on a free loopback port forwarding to {@code host:port}; it passes everything until told otherwise. */
    public static FaultyProxy start(String host, int port) throws IOException {
        return new FaultyProxy(host, port);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Decides the plan of each new connection from its index (0, 1, ...). Called on the accepting thread. */
    public FaultyProxy planner(IntFunction<Plan> planner) {
        this.planner = Objects.requireNonNull(planner);
        return this;
    }

    /** Called (on a proxy thread) once both sockets of a connection are closed. */
    public FaultyProxy onClosed(Consumer<Connection> listener) {
        this.onClosed = Objects.requireNonNull(listener);
        return this;
    }

    /** The condition a {@link Plan#withGate() gated} cut waits for (checked every few milliseconds). */
    public FaultyProxy gate(java.util.function.Predicate<Connection> gate) {
        this.gate = Objects.requireNonNull(gate);
        return this;
    }

    private void awaitGate(Connection c) {
        if (!c.plan.gated) {
            return;
        }
        long deadline = System.nanoTime() + Plan.GATE_TIMEOUT_MS * 1_000_000;
        try {
            while (!gate.test(c) && System.nanoTime() < deadline && !closedProxy) {
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps each chunk the client sends (for pipelining checks; small sessions only). */
    public FaultyProxy recordClientChunks(boolean record) {
        this.recordClientChunks = record;
        return this;
    }

    public List<Connection> connections() {
        return List.copyOf(connections);
    }

    public int connectionCount() {
        return connections.size();
    }

    /** Connections whose sockets are not both closed yet. */
    public long openConnections() {
        return connections.stream().filter(c -> !c.isClosed()).count();
    }

    /** Cuts that really happened. */
    public int cutCount() {
        return cuts.get();
    }

    private void acceptLoop() {
        while (!closedProxy) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            int index = connections.size();
            Plan plan;
            try {
                plan = planner.apply(index);
            } catch (RuntimeException e) {
                plan = Plan.REFUSE;
            }
            Connection c = new Connection(index, plan == null ? Plan.PASS : plan);
            c.client = client;
            connections.add(c);
            if (c.plan.refuse) {
                cut(c, Direction.REFUSED);
                continue;
            }
            Thread t = new Thread(() -> connect(c), "faulty-proxy-" + index);
            t.setDaemon(true);
            t.start();
        }
    }

    private void connect(Connection c) {
        Socket server = new Socket();
        c.server = server;
        try {
            server.connect(target, 5_000);
            server.setTcpNoDelay(true);
            c.client.setTcpNoDelay(true);
        } catch (IOException e) {
            closeBoth(c);
            return;
        }
        Thread back = new Thread(() -> pump(c, false), "faulty-proxy-" + c.index + "-s2c");
        back.setDaemon(true);
        back.start();
        pump(c, true);
    }

    private void pump(Connection c, boolean fromClient) {
        AtomicLong counter = fromClient ? c.clientToServer : c.serverToClient;
        Direction direction = fromClient ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
        long cutAt = fromClient ? c.plan.clientToServerCut : c.plan.serverToClientCut;
        String dropLine = fromClient && c.plan.dropOnClientLine != null
                ? c.plan.dropOnClientLine.toUpperCase(Locale.ROOT) + "\r\n"
                : null;
        // a protocol-placed cut in this direction
        String atCommand = c.plan.atCommand != null && c.plan.atClientSide == fromClient ? c.plan.atCommand : null;
        // the client's stream is forwarded line by line when a line decides a cut (dropped line, command cut), so
        // that the cut lands before or inside that line exactly
        boolean byLine = fromClient && (dropLine != null || atCommand != null);
        StringBuilder pendingLine = new StringBuilder();
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = (fromClient ? c.client : c.server).getInputStream();
            OutputStream out = (fromClient ? c.server : c.client).getOutputStream();
            if (cutAt == 0) {
                cut(c, direction);
                return;
            }
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (fromClient && recordClientChunks) {
                    c.clientChunks.add(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
                if (byLine) {
                    for (int i = 0; i < n; i++) {
                        pendingLine.append((char) (buffer[i] & 0xff));
                        if (buffer[i] != '\n') {
                            continue;
                        }
                        String line = pendingLine.toString();
                        pendingLine.setLength(0);
                        if (dropLine != null && line.toUpperCase(Locale.ROOT).equals(dropLine)) {
                            out.flush();
                            cut(c, direction);
                            return;
                        }
                        long keep = line.length();
                        if (atCommand != null && commandLine(c, line, atCommand)) {
                            // offset bytes into the line; a line shorter than that is cut just before its LF
                            keep = Math.min(keep - 1, Math.max(0, c.plan.atOffset));
                        }
                        if (cutAt >= 0 && counter.get() + keep >= cutAt) {
                            keep = cutAt - counter.get();
                        }
                        byte[] bytes = line.substring(0, (int) keep).getBytes(StandardCharsets.ISO_8859_1);
                        out.write(bytes);
                        counter.addAndGet(bytes.length);
                        synchronized (c.tracker) {
                            // a line cut short still counts as sent: the cut lands while the client sends it
                            c.tracker.clientLine(line);
                        }
                        if (keep < line.length()) {
                            out.flush();
                            awaitGate(c);
                            cut(c, direction);
                            return;
                        }
                    }
                    out.flush();
                    continue;
                }
                int forward = n;
                boolean cutNow = false;
                synchronized (c.tracker) {
                    for (int i = 0; i < n; i++) {
                        if (cutAt >= 0 && counter.get() + i == cutAt
                                || atCommand != null
                                        && c.tracker.serverAt(atCommand, c.plan.atOccurrence, c.plan.atOffset,
                                                buffer[i])) {
                            forward = i;
                            cutNow = true;
                            break;
                        }
                        if (fromClient) {
                            c.tracker.clientByte(buffer[i]);
                        } else {
                            c.tracker.serverByte(buffer[i]);
                        }
                    }
                }
                out.write(buffer, 0, forward);
                out.flush();
                counter.addAndGet(forward);
                if (cutNow) {
                    if (atCommand != null) {
                        awaitGate(c);
                    }
                    cut(c, direction);
                    return;
                }
            }
            // orderly end from this side: pass it on, then close everything
            closeBoth(c);
        } catch (IOException e) {
            closeBoth(c);
        }
    }

    /** Whether this complete client line is the plan's command occurrence (counted before the tracker sees it). */
    private static boolean commandLine(Connection c, String line, String command) {
        String trimmed = line.strip();
        int space = trimmed.indexOf(' ');
        String verb = (space < 0 ? trimmed : trimmed.substring(0, space)).toUpperCase(Locale.ROOT);
        if (!verb.equals(command)) {
            return false;
        }
        synchronized (c.tracker) {
            return c.tracker.sentCount(command) + 1 == c.plan.atOccurrence && !c.tracker.inAuth();
        }
    }

    private void cut(Connection c, Direction direction) {
        if (c.cut.compareAndSet(false, true)) {
            synchronized (c.tracker) {
                c.cutRecord = new Cut(direction, c.plan.reset,
                        direction == Direction.REFUSED ? Position.CONNECT : c.tracker.position(),
                        c.tracker.lastCommand(), c.tracker.retrCompleted());
            }
            cuts.incrementAndGet();
            if (c.plan.reset) {
                reset(c.client);
                reset(c.server);
            }
        }
        closeBoth(c);
    }

    /** SO_LINGER 0: the close that follows sends a TCP RST instead of a FIN. */
    private static void reset(Socket s) {
        if (s != null) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // closed already: nothing to reset
            }
        }
    }

    private void closeBoth(Connection c) {
        close(c.client);
        close(c.server);
        if (c.closed.compareAndSet(false, true)) {
            try {
                onClosed.accept(c);
            } catch (RuntimeException ignored) {
                // a listener's failure is its own business (tests record their findings themselves)
            }
        }
    }

    private static void close(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        closedProxy = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Connection c : connections) {
            closeBoth(c);
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
