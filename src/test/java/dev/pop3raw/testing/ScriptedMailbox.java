package dev.pop3raw.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pop3raw.testing.ScriptedPop3Server.Reply;

/**
 * A maildrop served by a {@link ScriptedPop3Server} to any number of sessions, for the consumer tests that GreenMail
 * cannot show: every connection {@linkplain ScriptedPop3Server.Script#converse converses} with the same mailbox, which
 * keeps RFC 1939's promise (DELE takes effect at QUIT; a session that ends without QUIT deletes nothing) and records
 * every command per session (and the RETRs of each message). Its knobs (public fields, read at every session or
 * command) make the server refuse a RETR, list sizes smaller than the message, answer PASS with a response code, refuse
 * DELE, drop the connection at QUIT without committing, malform listing lines. Messages are numbered by their position
 * in the mailbox when the session began, so inserting a message renumbers the others between sessions.
 */
public final class ScriptedMailbox implements AutoCloseable {

    /** One message: its unique-id and its raw text (CRLF line ends). */
    public record Mail(String uidl, String raw) {
    }

    /** In {@link #uidlLineOverrides} and {@link #listLineOverrides}: leave the line out. */
    public static final String OMIT = "<omit>";

    private final List<Mail> mailbox = Collections.synchronizedList(new ArrayList<>());
    private final ScriptedPop3Server server;
    /** The commands of each session, in accept order (PASS included: test data only). */
    public final List<List<String>> sessions = new CopyOnWriteArrayList<>();
    /** When each session began (System.nanoTime() at accept), in the order of {@link #sessions}. */
    public final List<Long> sessionStarts = new CopyOnWriteArrayList<>();
    /** By UIDL: RETR is answered {@code -ERR}. */
    public final Set<String> refuseRetr = Collections.synchronizedSet(new LinkedHashSet<>());
    /** By UIDL: how many octets LIST understates the message (GreenMail, servers that count LF line ends). */
    public final Map<String, Integer> listedShortBy = new ConcurrentHashMap<>();
    /**
     * Malformed listing lines: by message id, the UIDL or LIST line to send instead of the real one, with {@code %d}
     * for the message number; {@link #OMIT} leaves the line out.
     */
    public final Map<String, String> uidlLineOverrides = new ConcurrentHashMap<>();
    public final Map<String, String> listLineOverrides = new ConcurrentHashMap<>();
    /** The ids of the messages the server sent in reply to RETR, in order, over all sessions. */
    public final List<String> retrieved = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> retrievals = new ConcurrentHashMap<>();

    /** Sent on connect; a {@code -ERR} greeting ends the session. */
    public volatile String greeting = "+OK stub POP3 ready";
    /** The answer to PASS; a {@code -ERR} answer ends the session. */
    public volatile String passReply = "+OK logged in";
    public volatile String deleReply = "+OK marked";
    /** QUIT hangs up without committing the deletions. */
    public volatile boolean dropOnQuit;
    public volatile boolean pipelining = true;
    public volatile List<String> extraCapabilities = List.of();
    /** False: UIDL is answered {@code -ERR}, as by a server that does not implement it. */
    public volatile boolean uidlSupported = true;

    private ScriptedMailbox() {
        server = ScriptedPop3Server.builder().readTimeout(Duration.ofSeconds(20)).everyConnection(script -> {
            List<String> commands = new CopyOnWriteArrayList<>();
            sessionStarts.add(System.nanoTime());
            sessions.add(commands);
            String hello = greeting;
            if (hello.startsWith("-ERR")) {
                script.sendLines(hello).hangUp();
            } else {
                script.sendLines(hello).converse(new MailboxSession(commands));
            }
        }).start();
    }

    /** An empty mailbox, served on 127.0.0.1 at {@link #port()} until {@link #close()}. */
    public static ScriptedMailbox start() {
        return new ScriptedMailbox();
    }

    public int port() {
        return server.port();
    }

    /** The server underneath: its sessions' exact bytes, mismatches. */
    public ScriptedPop3Server server() {
        return server;
    }

    public void add(String uidl, String raw) {
        mailbox.add(new Mail(uidl, raw));
    }

    public void addFirst(String uidl, String raw) {
        mailbox.add(0, new Mail(uidl, raw));
    }

    /** The unique-ids of the messages the mailbox holds now, in order. */
    public List<String> uidls() {
        synchronized (mailbox) {
            return mailbox.stream().map(Mail::uidl).toList();
        }
    }

    /** How many RETR commands asked for the message, over all sessions (refused ones included). */
    public int retrievals(String uidl) {
        AtomicInteger n = retrievals.get(uidl);
        return n == null ? 0 : n.get();
    }

    /** The commands of the last session that start with one of {@code verbs} (case-insensitive), in order. */
    public List<String> lastSession(String... verbs) {
        List<String> found = new ArrayList<>();
        for (String c : sessions.get(sessions.size() - 1)) {
            for (String v : verbs) {
                if (c.toUpperCase(java.util.Locale.ROOT).startsWith(v)) {
                    found.add(c);
                }
            }
        }
        return found;
    }

    /** All commands of all sessions. */
    public List<String> allCommands() {
        List<String> all = new ArrayList<>();
        sessions.forEach(all::addAll);
        return all;
    }

    @Override
    public void close() {
        server.close();
    }

    /** One session's view of the mailbox: the messages at its start, the ones it marked deleted. */
    private final class MailboxSession implements ScriptedPop3Server.Responder {
        private final List<String> commands;
        private final List<Mail> view;
        private final Set<Integer> deleted = new LinkedHashSet<>();

        MailboxSession(List<String> commands) {
            this.commands = commands;
            synchronized (mailbox) {
                this.view = new ArrayList<>(mailbox);
            }
        }

        @Override
        public Reply answer(String line) {
            commands.add(line);
            String[] w = line.split(" ");
            String cmd = w[0].toUpperCase();
            switch (cmd) {
                case "CAPA" -> {
                    List<String> lines = new ArrayList<>(List.of("+OK", "USER", "UIDL", "RESP-CODES"));
                    if (pipelining) {
                        lines.add("PIPELINING");
                    }
                    lines.addAll(extraCapabilities);
                    lines.add(".");
                    return Reply.lines(lines.toArray(String[]::new));
                }
                case "USER" -> {
                    return Reply.lines("+OK");
                }
                case "PASS" -> {
                    String reply = passReply;
                    return reply.startsWith("-ERR") ? Reply.lines(reply).thenHangUp() : Reply.lines(reply);
                }
                case "UIDL", "LIST" -> {
                    if (cmd.equals("UIDL") && !uidlSupported) {
                        return Reply.lines("-ERR unknown command");
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
                    return Reply.lines(b.append(".").toString());
                }
                case "RETR" -> {
                    int n = Integer.parseInt(w[1]);
                    if (n >= 1 && n <= view.size()) {
                        retrievals.computeIfAbsent(view.get(n - 1).uidl(), u -> new AtomicInteger()).incrementAndGet();
                    }
                    if (n < 1 || n > view.size() || deleted.contains(n)
                            || refuseRetr.contains(view.get(n - 1).uidl())) {
                        return Reply.lines("-ERR no such message");
                    }
                    retrieved.add(view.get(n - 1).uidl());
                    StringBuilder b = new StringBuilder("+OK message follows\r\n");
                    String raw = view.get(n - 1).raw();
                    String body = raw.endsWith("\r\n") ? raw.substring(0, raw.length() - 2) : raw;
                    for (String l : body.split("\r\n", -1)) {
                        b.append(l.startsWith(".") ? "." + l : l).append("\r\n");
                    }
                    return Reply.lines(b.append(".").toString());
                }
                case "DELE" -> {
                    int n = Integer.parseInt(w[1]);
                    String reply = deleReply;
                    if (reply.startsWith("+OK")) {
                        deleted.add(n);
                    }
                    return Reply.lines(reply);
                }
                case "NOOP", "RSET" -> {
                    return Reply.lines("+OK");
                }
                case "QUIT" -> {
                    if (dropOnQuit) {
                        return Reply.hangUp(); // without committing
                    }
                    synchronized (mailbox) {
                        for (int n : deleted) {
                            mailbox.remove(view.get(n - 1));
                        }
                    }
                    return Reply.lines("+OK bye").thenHangUp();
                }
                default -> {
                    return Reply.lines("-ERR unknown command");
                }
            }
        }

        private int listedSize(Mail mail) {
            return mail.raw().length() - listedShortBy.getOrDefault(mail.uidl(), 0);
        }
    }
}
