package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.pop3raw.client.Capabilities;
import dev.pop3raw.client.MessageInfo;
import dev.pop3raw.client.Pop3Client;
import dev.pop3raw.client.Pop3ClientOptions;
import dev.pop3raw.client.RetrievalBatch;
import dev.pop3raw.client.TlsMode;
import dev.pop3raw.client.sasl.SaslMechanisms;
import dev.pop3raw.testing.ExtractedPop3Server;
import dev.pop3raw.testing.TestTls;

/**
 * The consumer against a real POP3 server other than Dovecot (run from the tree .ci/install-pop3-servers extracts):
 * 20 messages of 20 delivered intact (byte for byte what the server serves to the client's RETR, which is not the
 * source file for servers that rewrite headers), exactly once, in delete mode and in idempotent mode, with every
 * login method the server offers and the client supports, and over STLS and implicit TLS when it offers TLS.
 *
 * <p>"Exactly once" across sessions: after the first route took all 20, a second route (a restarted consumer, with
 * the same idempotent repository) logs in again and must take nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RealServerConsumerContract {

    static final String PASSWORD = "real-server-pw";
    static final int MESSAGES = 20;
    private static final AtomicInteger USERS = new AtomicInteger();

    protected ExtractedPop3Server server;

    @TempDir
    Path tmp;

    /** Starts the server under test (with no users). */
    protected abstract ExtractedPop3Server startServer() throws IOException;

    @BeforeAll
    void start() throws IOException {
        server = startServer();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Login methods: USER, APOP when offered, each SASL mechanism offered that the client has; then "auto". */
    List<String> loginMethods() {
        List<String> methods = new ArrayList<>(List.of("USER"));
        if (server.offersApop()) {
            methods.add("APOP");
        }
        server.saslMechanisms().stream().filter(SaslMechanisms.supportedNames()::contains).forEach(methods::add);
        return methods;
    }

    /** {mechanism, tls, delete}: each login method over plain POP3, auto over STLS and implicit TLS; both modes. */
    Stream<Arguments> runs() {
        List<Arguments> runs = new ArrayList<>();
        for (boolean delete : List.of(true, false)) {
            for (String method : loginMethods()) {
                runs.add(Arguments.of(method, "none", delete));
            }
            if (server.offersTls()) {
                runs.add(Arguments.of("auto", "starttls", delete));
                runs.add(Arguments.of("auto", "implicit", delete));
            }
        }
        return runs.stream();
    }

    /**
     * CAPA lists the SASL mechanisms the harness configured and STLS, and the mechanisms again after STLS. A server
     * without CAPA answers -ERR (the client then knows no capabilities), and {@code auto} logs in with USER/PASS.
     */
    @Test
    void announcesTheConfiguredMechanismsAndStls() throws Exception {
        String user = "caps" + USERS.incrementAndGet();
        server.addUser(user, PASSWORD);
        if (!server.offersCapa()) {
            try (Pop3Client pop = Pop3Client.connect(server.host(), server.pop3Port(), Pop3ClientOptions.builder()
                    .tlsMode(TlsMode.NONE).readTimeout(Duration.ofSeconds(20)).build())) {
                assertTrue(pop.capa().lines().isEmpty(), "-ERR to CAPA: no capabilities");
                pop.login(user, PASSWORD);
                assertTrue(pop.isAuthenticated());
                pop.quit();
            }
            return;
        }
        try (Pop3Client pop = Pop3Client.connect(server.host(), server.pop3Port(), Pop3ClientOptions.builder()
                .tlsMode(TlsMode.NONE).readTimeout(Duration.ofSeconds(20)).build())) {
            Capabilities caps = pop.capa();
            assertEquals(new HashSet<>(server.saslMechanisms()), new HashSet<>(caps.saslMechanisms()), caps.lines()
                    .toString());
            assertTrue(caps.stls(), caps.lines().toString());
        }
        try (Pop3Client pop = Pop3Client.connect(server.host(), server.pop3Port(), Pop3ClientOptions.builder()
                .tlsMode(TlsMode.STARTTLS).sslContext(server.sslContext()).readTimeout(Duration.ofSeconds(20))
                .build())) {
            assertTrue(pop.isSecure());
            assertEquals(new HashSet<>(server.saslMechanismsOverTls()),
                    new HashSet<>(pop.capabilities().saslMechanisms()));
            pop.login(user, PASSWORD);
            pop.quit();
        }
    }

    @ParameterizedTest(name = "{0} over tls={1}, delete={2}")
    @MethodSource("runs")
    void deliversEveryMessageIntactExactlyOnce(String mechanism, String tls, boolean delete) throws Exception {
        String user = "u" + USERS.incrementAndGet();
        server.addUser(user, PASSWORD);
        for (int i = 0; i < MESSAGES; i++) {
            server.deliver(user, message(user, i));
        }
        Map<String, byte[]> served = servedByRetr(user);
        assertEquals(MESSAGES, served.size(), "the server holds all 20");

        IdempotentRepository repository = new MemoryIdempotentRepository();
        String options = "tls=" + tls + "&authMechanism=" + mechanism + "&delete=" + delete
                + "&idempotentRepository=#repo" + (tls.equals("none") ? "" : "&sslContextParameters=#tls");
        int port = tls.equals("implicit") ? server.pop3sPort() : server.pop3Port();
        List<String> first = new CopyOnWriteArrayList<>();
        Map<String, byte[]> bodies = new ConcurrentHashMap<>();
        try (CamelContext context = context(user, port, options, repository, first, bodies)) {
            Pop3RawCamelTestSupport.await(() -> first.size() >= MESSAGES, "20 exchanges from " + server.product());
            context.getRouteController().stopRoute("pop");
            Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
            assertEquals(0, endpoint.getPollFailures(), endpoint.getLastError());
        }
        assertEquals(MESSAGES, first.size(), "each message once: " + first);
        assertEquals(served.keySet(), new HashSet<>(first), "the UIDLs the server listed");
        for (Map.Entry<String, byte[]> m : served.entrySet()) {
            assertArrayEquals(m.getValue(), bodies.get(m.getKey()), "message " + m.getKey() + " intact");
        }
        assertEquals(delete ? 0 : MESSAGES, server.messageCount(user), delete ? "all deleted" : "all kept");

        // a restarted consumer with the same repository logs in again and takes nothing
        List<String> second = new CopyOnWriteArrayList<>();
        try (CamelContext context = context(user, port, options, repository, second, new ConcurrentHashMap<>())) {
            Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
            // polls counts a poll when it starts: the second one has started once the first (a session) is over
            Pop3RawCamelTestSupport.await(() -> endpoint.getPolls() >= 2, "a second session");
            context.getRouteController().stopRoute("pop");
            assertEquals(0, endpoint.getPollFailures(), endpoint.getLastError());
            assertTrue(endpoint.getSkippedBusy() < endpoint.getPolls(), "the first poll logged in");
        }
        assertTrue(second.isEmpty(), "nothing taken twice: " + second);
        assertEquals(delete ? 0 : MESSAGES, server.messageCount(user));
    }

    /** Varied messages: dot-stuffing, a long line, UTF-8 in the body, sizes from 0.3 to ~60 KB. */
    static byte[] message(String user, int i) {
        StringBuilder m = new StringBuilder();
        m.append("From: Sender <sender@example.com>\r\nTo: ").append(user).append("@example.com\r\n")
                .append("Subject: message ").append(i).append("\r\nMessage-ID: <").append(i).append('.').append(user)
                .append("@pop3raw.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Transfer-Encoding: 8bit\r\n\r\n")
                .append("first line\r\n.leading dot\r\n..two dots\r\n.\r\nüñí ☃\r\n");
        m.append("x".repeat(1000 + i * 100)).append("\r\n");
        for (int line = 0; line < i * 40; line++) {
            m.append("line ").append(line).append(" of message ").append(i).append(" ").append("-".repeat(40))
                    .append("\r\n");
        }
        return m.append("last line\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** What the server serves: UIDL to RETR bytes, in one USER/PASS session over plain POP3. */
    Map<String, byte[]> servedByRetr(String user) throws IOException {
        Map<String, byte[]> served = new LinkedHashMap<>();
        try (Pop3Client pop = Pop3Client.connect(server.host(), server.pop3Port(), Pop3ClientOptions.builder()
                .tlsMode(TlsMode.NONE).readTimeout(Duration.ofSeconds(20)).build())) {
            pop.login(user, PASSWORD, null, "USER");
            List<MessageInfo> listing = pop.listing();
            // pipelined: one RETR at a time would wait for delayed ACKs on some servers
            try (RetrievalBatch batch = pop.retrieve(listing.stream().map(MessageInfo::number).toList())) {
                for (MessageInfo m : listing) {
                    try (InputStream body = batch.next().body()) {
                        served.put(m.uidl(), body.readAllBytes());
                    }
                }
            }
            pop.quit();
        }
        return served;
    }

    CamelContext context(String user, int port, String options, IdempotentRepository repository,
            List<String> uidls, Map<String, byte[]> bodies) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("repo", repository);
        context.getRegistry().bind("tls", trustStore());
        String uri = "pop3raw:" + server.host() + ":" + port + "?username=" + user + "&password=RAW(" + PASSWORD + ")"
                + "&initialDelay=0&delay=100&readTimeout=20000&connectTimeout=5000&" + options;
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop").process(e -> {
                    String uidl = e.getIn().getHeader(Pop3RawConstants.UIDL, String.class);
                    bodies.put(uidl, e.getIn().getBody(byte[].class));
                    uidls.add(uidl);
                });
            }
        });
        context.start();
        return context;
    }

    /** A PKCS12 trust store with the server's certificate, as sslContextParameters. */
    SSLContextParameters trustStore() throws Exception {
        return TestTls.trustStoreFile(tmp.resolve("trust.p12"), server.certificate());
    }
}
