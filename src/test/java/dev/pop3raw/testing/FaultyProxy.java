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
 * whether and where it was cut, when both of its sockets were closed, and the client's data chunks as they
 * arrived (to show that commands were pipelined).
 */
public final class FaultyProxy implements AutoCloseable {

    /** What to do with one connection. Offsets are bytes forwarded before the cut; -1 means no cut that way. */
    public record Plan(boolean refuse, long clientToServerCut, long serverToClientCut, String dropOnClientLine) {

        public static final Plan PASS = new Plan(false, -1, -1, null);
        public static final Plan REFUSE = new Plan(true, -1, -1, null);

        public static Plan cutClientToServer(long offset) {
            return new Plan(false, offset, -1, null);
        }

        public static Plan cutServerToClient(long offset) {
            return new Plan(false, -1, offset, null);
        }

        /** Cuts the connection when the client sends this line (without CRLF, case-insensitive), unforwarded. */
        public static Plan dropOnClientLine(String line) {
            return new Plan(false, -1, -1, Objects.requireNonNull(line));
        }

        public boolean cuts() {
            return refuse || clientToServerCut >= 0 || serverToClientCut >= 0 || dropOnClientLine != null;
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
                   + (cut.get() ? " CUT" : "") + (closed.get() ? " closed" : " open");
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
                c.cut.set(true);
                cuts.incrementAndGet();
                closeBoth(c);
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
        long cutAt = fromClient ? c.plan.clientToServerCut : c.plan.serverToClientCut;
        String dropLine = fromClient && c.plan.dropOnClientLine != null
                ? c.plan.dropOnClientLine.toUpperCase() + "\r\n" : null;
        StringBuilder pendingLine = new StringBuilder();
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = (fromClient ? c.client : c.server).getInputStream();
            OutputStream out = (fromClient ? c.server : c.client).getOutputStream();
            if (cutAt == 0) {
                cut(c);
                return;
            }
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (fromClient && recordClientChunks) {
                    c.clientChunks.add(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
                int forward = n;
                boolean cutNow = false;
                if (cutAt >= 0 && counter.get() + n >= cutAt) {
                    forward = (int) (cutAt - counter.get());
                    cutNow = true;
                }
                if (dropLine != null) {
                    // forward line by line so that the dropped line never reaches the server
                    for (int i = 0; i < forward; i++) {
                        pendingLine.append((char) (buffer[i] & 0xff));
                        if (buffer[i] == '\n') {
                            String line = pendingLine.toString();
                            pendingLine.setLength(0);
                            if (line.toUpperCase().equals(dropLine)) {
                                out.flush();
                                cut(c);
                                return;
                            }
                            out.write(line.getBytes(StandardCharsets.ISO_8859_1));
                            counter.addAndGet(line.length());
                        }
                    }
                    out.flush();
                } else {
                    out.write(buffer, 0, forward);
                    out.flush();
                    counter.addAndGet(forward);
                }
                if (cutNow) {
                    cut(c);
                    return;
                }
            }
            // orderly end from this side: pass it on, then close everything
            closeBoth(c);
        } catch (IOException e) {
            closeBoth(c);
        }
    }

    private void cut(Connection c) {
        if (c.cut.compareAndSet(false, true)) {
            cuts.incrementAndGet();
        }
        closeBoth(c);
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
