package dev.pop3raw.camel;

import static dev.pop3raw.camel.Pop3RawCamelTestSupport.await;
import static dev.pop3raw.testing.DovecotMailboxes.PASSWORD;
import static dev.pop3raw.testing.DovecotMailboxes.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.pop3raw.client.Pop3Client;
import dev.pop3raw.client.Pop3ClientOptions;
import dev.pop3raw.client.TlsMode;
import dev.pop3raw.testing.DovecotMailboxes;
import dev.pop3raw.testing.DovecotServer;
import dev.pop3raw.testing.FaultyProxy;
import dev.pop3raw.testing.FaultyProxy.Plan;
import dev.pop3raw.testing.LogCapture;
import dev.pop3raw.testing.TestTls;

/**
 * The consumer against a real Dovecot, for what GreenMail cannot show: a session that ends without QUIT deletes
 * nothing; deletion happens at QUIT; an asynchronous route's deletion by UIDL in a later session (after
 * renumbering); STLS and implicit TLS with {@code sslContextParameters}; {@code [IN-USE]} with
 * {@code pop3_lock_session}; {@code maxMessageSize} against the server's LIST sizes; pipelining.
 */
class Pop3RawConsumerDovecotTest extends CamelTestSupport {

    @RegisterExtension
    static final DovecotMailboxes MAILBOXES = new DovecotMailboxes("carol");

    @TempDir
    Path tmp;

    private DovecotServer dovecot;
    /** A mailbox of its own for each test: the Dovecot log is shared, its lines are told apart by user. */
    private String user;

    private final Pop3RawCamelTestSupport.RecordingExceptionHandler errors = new Pop3RawCamelTestSupport.RecordingExceptionHandler();
    private final List<String> processed = new CopyOnWriteArrayList<>();
    private FaultyProxy proxy;

    @BeforeEach
    void ownMailbox() {
        dovecot = MAILBOXES.server();
        user = MAILBOXES.user();
        context.getRegistry().bind("errors", errors);
    }

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private String uri(int port, String options) {
        return uri(port, options, 5000);
    }

    private String uri(int port, String options, int readTimeout) {
        return "pop3raw:127.0.0.1:" + port + "?username=" + user + "&password=RAW(" + PASSWORD + ")"
                + "&initialDelay=0&delay=100&readTimeout=" + readTimeout
                + "&connectTimeout=5000&exceptionHandler=#errors&"
                + options;
    }

    private void route(String uri) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop").process(e -> processed.add(e.getExchangeId())).to("mock:out");
            }
        });
    }

    private Pop3RawEndpoint endpoint() {
        return (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
    }

    /** The logout lines of the sessions so far: {retr, del marked, closed normally (1) or dropped (0)}. */
    private List<int[]> sessions() {
        return MAILBOXES.sessions();
    }

    // ------------------------------------------------------------------------------------------ commit at QUIT

    @Test
    void aConnectionLostWhenQuitIsSentDeletesNothingAndALaterSessionDeletesWithoutRetrieving() throws Exception {
        List<String> uidls = List.of(dovecot.deliver(user, mail("one")), dovecot.deliver(user, mail("two")),
                dovecot.deliver(user, mail("three")));
        AtomicBoolean dropQuit = new AtomicBoolean(true);
        proxy = FaultyProxy.start(dovecot.host(), dovecot.pop3Port())
                .planner(i -> dropQuit.get() ? Plan.dropOnClientLine("QUIT") : Plan.PASS);
        route(uri(proxy.port(), "tls=none&delete=true"));
        await(() -> processed.size() == 3, "three processed");
        await(() -> errors.messages.stream().anyMatch(m -> m.contains("QUIT")), "the lost QUIT reported");
        dovecot.awaitLog("Connection closed", Duration.ofSeconds(10));
        await(() -> !sessions().isEmpty(), "the first session logged");
        int[] dropped = sessions().get(0);
        assertEquals(0, dropped[2], "Dovecot saw the connection close without QUIT: " + dovecot.logText());
        assertEquals(3, dropped[0], "it sent three messages");
        assertTrue(errors.messages.stream().noneMatch(m -> m.contains("DELE")), "the three DELEs were accepted");
        assertEquals(3, dovecot.messageCount(user), "but nothing was deleted");

        dropQuit.set(false);
        await(() -> {
            try {
                return dovecot.messageCount(user) == 0;
            } catch (Exception e) {
                return false;
            }
        }, "deleted by a later session");
        assertEquals(uidls, processed, "each processed once, never again");
        await(() -> sessions().stream().anyMatch(s -> s[2] == 1 && s[1] == 3), "the committing session logged");
        int[] committing = sessions().stream().filter(s -> s[2] == 1 && s[1] == 3).findFirst().orElseThrow();
        assertEquals(0, committing[0], "deleted by UIDL without RETR");
    }

    @Test
    void deleteModeRemovesTheMessagesAtQuit() throws Exception {
        for (int i = 0; i < 5; i++) {
            dovecot.deliver(user, mail("delete " + i));
        }
        route(uri(dovecot.pop3Port(), "tls=none&delete=true"));
        await(() -> processed.size() == 5, "five processed");
        await(() -> sessions().stream().anyMatch(s -> s[2] == 1 && s[1] == 5), "a session that deleted five");
        assertEquals(0, dovecot.messageCount(user));
        int[] session = sessions().stream().filter(s -> s[1] == 5).findFirst().orElseThrow();
        assertEquals(5, session[0], "retrieved and deleted in the same session");
        assertEquals(5, endpoint().getMessagesDeleted());
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
    }

    @Test
    void anAsynchronousRouteDeletesByUidlInALaterSessionAfterRenumbering() throws Exception {
        String a = dovecot.deliver(user, mail("a"));
        String b = dovecot.deliver(user, mail("b"));
        String c = dovecot.deliver(user, mail("c"));
        CountDownLatch release = new CountDownLatch(1);
        List<String> arrived = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(dovecot.pop3Port(), "tls=none&delete=true")).routeId("pop").to("seda:slow");
                from("seda:slow").process(e -> {
                    String uidl = e.getIn().getHeader(Pop3RawConstants.UIDL, String.class);
                    arrived.add(uidl);
                    release.await(30, TimeUnit.SECONDS);
                    processed.add(uidl);
                });
            }
        });
        await(() -> arrived.size() == 1, "the first exchange is running");
        await(() -> sessions().size() >= 3, "more sessions while it runs");
        assertEquals(3, dovecot.messageCount(user), "nothing deleted while the exchanges run");
        assertTrue(sessions().stream().allMatch(s -> s[1] == 0), "no DELE at all");
        // another reader deletes "a": "b" and "c" are now messages 1 and 2, no longer 2 and 3
        deleteFromMaildir(a);
        release.countDown();
        await(() -> processed.size() == 3, "all three completed");
        await(() -> {
            try {
                return dovecot.messageCount(user) == 0;
            } catch (Exception e) {
                return false;
            }
        }, "b and c deleted by a later session");
        assertEquals(List.of(a, b, c), processed, "each processed once");
        int[] committing = sessions().stream().filter(s -> s[1] > 0).findFirst().orElseThrow();
        assertEquals(0, committing[0], "no RETR in the deleting session");
        assertEquals(2, committing[1], "both deleted under their new numbers");
    }

    private void deleteFromMaildir(String uidl) throws Exception {
        for (String sub : List.of("new", "cur")) {
            try (Stream<Path> files = Files.list(dovecot.maildir(user).resolve(sub))) {
                for (Path p : files.filter(p -> p.getFileName().toString().startsWith(uidl)).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ TLS

    /** The {@code sslContextParameters} of a trust store file holding {@code certificate}, as a test would ship one. */
    private SSLContextParameters trustStore(Certificate certificate, String type) throws Exception {
        return TestTls.trustStoreFile(tmp.resolve("trust." + type.toLowerCase()), certificate, type);
    }

    private long tlsLogins() {
        return dovecot.logText().lines().filter(l -> l.contains("Login: user=<" + user + ">") && l.contains(", TLS"))
                .count();
    }

    private void tlsRoute(int port, String tls) throws Exception {
        context.getRegistry().bind("mailTls", trustStore(dovecot.certificate(), "PKCS12"));
        dovecot.deliver(user, mail("over TLS " + tls));
        long before = tlsLogins();
        route(uri(port, "tls=" + tls + "&sslContextParameters=#mailTls&delete=true"));
        await(() -> processed.size() == 1, "processed over " + tls);
        await(() -> tlsLogins() > before, "Dovecot logged a TLS login");
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
    }

    @Test
    void starttlsUpgradesWithATrustStoreFromSslContextParameters() throws Exception {
        tlsRoute(dovecot.pop3Port(), "starttls");
    }

    @Test
    void autoUpgradesWithStlsWhenDovecotOffersIt() throws Exception {
        tlsRoute(dovecot.pop3Port(), "auto");
    }

    @Test
    void implicitTlsWithAJksTrustStore() throws Exception {
        context.getRegistry().bind("mailTls", trustStore(dovecot.certificate(), "JKS"));
        dovecot.deliver(user, mail("implicit"));
        long before = tlsLogins();
        route(uri(dovecot.pop3sPort(), "tls=implicit&sslContextParameters=#mailTls&delete=true"));
        await(() -> processed.size() == 1, "processed over implicit TLS");
        await(() -> tlsLogins() > before, "Dovecot logged a TLS login");
    }

    @Test
    void aWrongTrustStoreFailsThePollWithAClearError() throws Exception {
        context.getRegistry().bind("mailTls", trustStore(TestTls.localhost().caCertificate(), "PKCS12"));
        dovecot.deliver(user, mail("never over untrusted TLS"));
        route(uri(dovecot.pop3sPort(), "tls=implicit&sslContextParameters=#mailTls&delete=true"));
        await(() -> endpoint().getPollFailures() >= 2, "failing polls");
        Throwable failure = errors.failures.get(0);
        assertTrue(String.valueOf(failure.getMessage()).contains("TLS handshake with 127.0.0.1:" + dovecot.pop3sPort()
                + " failed"), String.valueOf(failure));
        assertTrue(endpoint().getLastError().contains("PKIX") || endpoint().getLastError().contains("certificate"),
                endpoint().getLastError());
        assertTrue(processed.isEmpty());
        assertEquals(1, dovecot.messageCount(user));
    }

    // ------------------------------------------------------------------------------------------ IN-USE

    @Test
    void inUseWithPop3LockSessionSkipsQuietlyAndResumesWhenReleased() throws Exception {
        try (DovecotServer locking = DovecotServer.start(DovecotServer.Options.defaults().user(user, PASSWORD)
                .pop3LockSession(true));
                LogCapture logs = LogCapture.everything()) {
            locking.deliver(user, mail("locked"));
            Pop3Client holder = Pop3Client.connect(locking.host(), locking.pop3Port(), Pop3ClientOptions.builder()
                    .tlsMode(TlsMode.NONE).readTimeout(Duration.ofSeconds(60)).build());
            holder.login(user, PASSWORD);
            try {
                // Dovecot answers [IN-USE] only after its ~10 s lock timeout: the read timeout must be longer
                route(uri(locking.pop3Port(), "tls=none&delete=true&inUseDelay=1000", 20000));
                long end = System.currentTimeMillis() + 60_000;
                while (System.currentTimeMillis() < end
                        && logs.lines().stream().noneMatch(l -> l.contains("still answers"))) {
                    Thread.sleep(100);
                }
                assertTrue(logs.lines().stream().anyMatch(l -> l.contains("still answers")), "refused twice");
                long warns = logs.lines().stream()
                        .filter(l -> l.startsWith("WARN") && l.contains("[IN-USE]") || l.startsWith("ERROR")
                                && l.contains("pop3raw"))
                        .count();
                assertEquals(1, warns, "one WARN for the episode, no error: " + logs.text().lines()
                        .filter(l -> l.contains("IN-USE")).toList());
                assertTrue(errors.failures.isEmpty(), "no error reported: " + errors.messages);
                assertEquals(0, endpoint().getPollFailures());
                assertTrue(processed.isEmpty());
            } finally {
                holder.quit();
                holder.close();
            }
            await(() -> processed.size() == 1, "resumed once the lock was released");
            await(() -> logs.lines().stream().anyMatch(l -> l.contains("accepts logins again")), "logged the end");
            assertEquals(0, endpoint().getPollFailures());
            context.getRouteController().stopRoute("pop");
        }
    }

    // ------------------------------------------------------------------------------------------ sizes, pipelining

    @Test
    void maxMessageSizeComparesWithTheServersListSize() throws Exception {
        // stored with bare LF: Dovecot lists the size with CRLF, one octet more per line than the file
        StringBuilder big = new StringBuilder("From: bob@example.com\nSubject: big\n\n");
        for (int i = 0; i < 100; i++) {
            big.append("line ").append(i).append('\n');
        }
        byte[] bigFile = big.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        long lines = big.chars().filter(ch -> ch == '\n').count();
        String small = dovecot.deliver(user, "From: bob@example.com\nSubject: small\n\nsmall\n");
        String large = dovecot.deliver(user, bigFile);
        long max = bigFile.length + lines / 2; // the file fits, the message as listed does not
        route(uri(dovecot.pop3Port(), "tls=none&delete=true&maxMessageSize=" + max));
        await(() -> processed.size() == 1, "the small message");
        await(() -> endpoint().getSkippedOversize() >= 2, "the large one skipped at each poll");
        assertEquals(List.of(small), processed);
        Exchange e = getMockEndpoint("mock:out").getReceivedExchanges().get(0);
        long listed = e.getIn().getHeader(Pop3RawConstants.LISTED_SIZE, Long.class);
        assertEquals(listed, e.getIn().getHeader(Pop3RawConstants.SIZE, Long.class), "Dovecot lists exact sizes");
        assertEquals(1, dovecot.messageCount(user), "the large message stays");
        assertTrue(sessions().stream().allMatch(s -> s[0] <= 1), "the large one never retrieved");
        assertTrue(errors.failures.isEmpty(), errors.messages.toString());
        assertFalse(processed.contains(large));
    }

    @Test
    void pipelinedRetrievalAgainstDovecot() throws Exception {
        List<String> uidls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            uidls.add(dovecot.deliver(user, mail("pipelined " + i)));
        }
        proxy = FaultyProxy.start(dovecot.host(), dovecot.pop3Port()).recordClientChunks(true);
        route(uri(proxy.port(), "tls=none&delete=true&pipelineWindow=8"));
        await(() -> processed.size() == 40, "forty processed");
        await(() -> sessions().stream().anyMatch(s -> s[2] == 1 && s[1] == 40), "deleted at QUIT");
        assertEquals(uidls, processed, "in mailbox order");
        List<Exchange> received = getMockEndpoint("mock:out").getReceivedExchanges();
        Exchange last = received.get(39);
        assertEquals(40, last.getProperty(ExchangePropertyKey.BATCH_SIZE));
        assertEquals(Boolean.TRUE, last.getProperty(ExchangePropertyKey.BATCH_COMPLETE));
        int maxRetrPerChunk = proxy.connections().get(0).clientChunks().stream()
                .mapToInt(chunk -> chunk.split("RETR ", -1).length - 1).max().orElse(0);
        assertTrue(maxRetrPerChunk >= 2, "several RETR in one write: " + maxRetrPerChunk);
        assertTrue(proxy.connections().get(0).clientChunks().stream().anyMatch(ch -> ch.contains("UIDL\r\nLIST\r\n")),
                "UIDL and LIST sent together");
        assertEquals(0, dovecot.messageCount(user));
    }
}
