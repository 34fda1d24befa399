package dev.pop3raw.camel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny, private POP3 server for the component tests that GreenMail cannot show: it records every command per
 * session (and the RETRs of each message), can refuse a RETR, list sizes smaller than the message, answer PASS with
 * a response code, refuse DELE, and drop the connection at QUIT without committing (RFC 1939: nothing is deleted then). Sessions are served one at a time. Messages are numbered
 * by their position in the current mailbox, so inserting a message renumbers the others between sessions.
 */
final class StubPop3Server implements AutoCloseable {

    record Mail(String uidl, String raw) {
    }

    private final ServerSocket server;
    private final Thread thread;
    private final List<Mail> mailbox = Collections.synchronizedList(new ArrayList<>());
    /** The commands of each session, in order (PASS included: test data only). */
    final List<List<String>> sessions = new CopyOnWriteArrayList<>();
    /** When each session began (System.nanoTime() at accept), in the order of {@link #sessions}. */
    final List<Long> sessionStarts = new CopyOnWriteArrayList<>();
    final Set<String> refuseRetr = Collections.synchronizedSet(new LinkedHashSet<>());
    /** By UIDL: how many octets LIST understates the message (GreenMail, servers that count LF line ends). */
    final Map<String, Integer> listedShortBy = new ConcurrentHashMap<>();
    /** By UIDL: how many RETR commands asked for the message, over all sessions. */
    private final Map<String, AtomicInteger> retrievals = new ConcurrentHashMap<>();
    volatile String greeting = "+OK stub POP3 ready";
    volatile String passReply = "+OK logged in";
    volatile String deleReply = "+OK marked";
    volatile boolean dropOnQuit;
    volatile boolean pipelining = true;
    volatile List<String> extraCapabilities = List.of();
    /**
     * Malformed listing lines: by message id, the UIDL or LIST line to send instead of the real one, with {@code %d}
     * for the message number; {@link #OMIT} leaves the line out.
     */
    final Map<String, String> uidlLineOverrides = new ConcurrentHashMap<>();
    final Map<String, String> listLineOverrides = new ConcurrentHashMap<>();
    static final String OMIT = "<omit>";
    /** False: UIDL is answered {@code -ERR}, as by a server that does not implement it. */
    volatile boolean uidlSupported = true;
    /** The ids of the messages the server sent in reply to RETR, in order, over all sessions. */
    final List<String> retrieved = new CopyOnWriteArrayList<>();

    StubPop3Server() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "stub-pop3");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void add(String uidl, String raw) {
        mailbox.add(new Mail(uidl, raw));
    }

    void addFirst(String uidl, String raw) {
        mailbox.add(0, new Mail(uidl, raw));
    }

    List<String> uidls() {
        synchronized (mailbox) {
            return mailbox.stream().map(Mail::uidl).toList();
        }
    }

    /** How many RETR commands asked for the message, over all sessions (refused ones included). */
    int retrievals(String uidl) {
        AtomicInteger n = retrievals.get(uidl);
        return n == null ? 0 : n.get();
    }

    /** All commands of all sessions. */
    List<String> allCommands() {
        List<String> all = new ArrayList<>();
        sessions.forEach(all::addAll);
        return all;
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(20_000);
                session(s);
            } catch (IOException e) {
                // next session
            }
        }
    }

    private void session(Socket s) throws IOException {
        List<String> commands = new CopyOnWriteArrayList<>();
        sessionStarts.add(System.nanoTime());
        sessions.add(commands);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        write(out, greeting);
        if (greeting.startsWith("-ERR")) {
            return;
        }
        List<Mail> view;
        synchronized (mailbox) {
            view = new ArrayList<>(mailbox);
        }
        Set<Integer> deleted = new LinkedHashSet<>();
        String line;
        while ((line = in.readLine()) != null) {
            commands.add(line);
            String[] w = line.split(" ");
            String cmd = w[0].toUpperCase();
            switch (cmd) {
                case "CAPA" -> {
                    StringBuilder b = new StringBuilder("+OK\r\nUSER\r\nUIDL\r\nRESP-CODES\r\n");
                    if (pipelining) {
                        b.append("PIPELINING\r\n");
                    }
                    extraCapabilities.forEach(c -> b.append(c).append("\r\n"));
                    write(out, b.append(".").toString());
                }
                case "USER" -> write(out, "+OK");
                case "PASS" -> {
                    write(out, passReply);
                    if (passReply.startsWith("-ERR")) {
                        return;
                    }
                }
                case "UIDL", "LIST" -> {
                    if (cmd.equals("UIDL") && !uidlSupported) {
                        write(out, "-ERR unknown command");
                        continue;
                    }
                    StringBuilder b = new StringBuilder("+OK\r\n");
                    for (int i = 0; i < view.size(); i++) {
                        if (!deleted.contains(i + 1)) {
                            Mail m = view.get(i);
                            String override = (cmd.equals("UIDL") ? uidlLineOverrides : listLineOverrides)
                                    .get(m.uidl());
                            if (override == null) {
                                b.append(i + 1).append(' ')
                                        .append(cmd.equals("UIDL") ? m.uidl() : String.valueOf(listedSize(m)))
                                        .append("\r\n");
                            } else if (!override.equals(OMIT)) {
                                b.append(override.replace("%d", String.valueOf(i + 1))).append("\r\n");
                            }
                        }
                    }
                    write(out, b.append(".").toString());
                }
                case "RETR" -> {
                    int n = Integer.parseInt(w[1]);
                    if (n >= 1 && n <= view.size()) {
                        retrievals.computeIfAbsent(view.get(n - 1).uidl(), u -> new AtomicInteger()).incrementAndGet();
                    }
                    if (n < 1 || n > view.size() || deleted.contains(n)
                            || refuseRetr.contains(view.get(n - 1).uidl())) {
                        write(out, "-ERR no such message");
                    } else {
                        retrieved.add(view.get(n - 1).uidl());
                        StringBuilder b = new StringBuilder("+OK message follows\r\n");
                        String raw = view.get(n - 1).raw();
                        String body = raw.endsWith("\r\n") ? raw.substring(0, raw.length() - 2) : raw;
                        for (String l : body.split("\r\n", -1)) {
                            b.append(l.startsWith(".") ? "." + l : l).append("\r\n");
                        }
                        write(out, b.append(".").toString());
                    }
                }
                case "DELE" -> {
                    int n = Integer.parseInt(w[1]);
                    if (deleReply.startsWith("+OK")) {
                        deleted.add(n);
                    }
                    write(out, deleReply);
                }
                case "NOOP", "RSET" -> write(out, "+OK");
                case "QUIT" -> {
                    if (dropOnQuit) {
                        return; // hang up without committing
                    }
                    synchronized (mailbox) {
                        for (int n : deleted) {
                            mailbox.remove(view.get(n - 1));
                        }
                    }
                    write(out, "+OK bye");
                    return;
                }
                default -> write(out, "-ERR unknown command");
            }
        }
    }

    private int listedSize(Mail mail) {
        return mail.raw().length() - listedShortBy.getOrDefault(mail.uidl(), 0);
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
