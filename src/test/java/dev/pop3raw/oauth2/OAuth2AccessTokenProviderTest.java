package dev.pop3raw.oauth2;

import static dev.pop3raw.testing.FakeTokenEndpoint.error;
import static dev.pop3raw.testing.FakeTokenEndpoint.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.pop3raw.client.Pop3Client;
import dev.pop3raw.client.Pop3ClientOptions;
import dev.pop3raw.client.TlsMode;
import dev.pop3raw.testing.FakeTokenEndpoint;
import dev.pop3raw.testing.HttpClientThreads;
import dev.pop3raw.testing.LogCapture;
import dev.pop3raw.testing.ScriptedPop3Server;

/**
 * The OAuth2 access-token providers end to end: a fake token endpoint on loopback (counting requests, checking the form
 * fields) and a scripted POP3 server checking the XOAUTH2 and OAUTHBEARER exchanges the client sends with the token.
 */
class OAuth2AccessTokenProviderTest {

    private static final Duration DONE = Duration.ofSeconds(10);
    private static final String USER = "alice@example.com";
    private static final String CLIENT_ID = "client-7c1";
    private static final String CLIENT_SECRET = "cs-Secret-9QwX";
    private static final String REFRESH_TOKEN = "rt-Refresh-1Kp4";
    private static final String SCOPE = "https://outlook.office.com/POP.AccessAsUser.All offline_access";

    @TempDir
    Path tmp;

    private FakeTokenEndpoint tokens;
    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void startTokenEndpoint() throws IOException {
        tokens = FakeTokenEndpoint.start();
    }

    @AfterEach
    void stopTokenEndpoint() {
        tokens.close();
    }

    // ------------------------------------------------------------------------------------------------------ grants

    @Test
    void refreshTokenGrantPostsTheRefreshFormAndTheTokenLogsInWithXoauth2() throws Exception {
        tokens.answer(token("at-1", 3600));
        OAuth2AccessTokenProvider provider = refreshProvider(REFRESH_TOKEN, null);
        try (ScriptedPop3Server server = ScriptedPop3Server.start(acceptsXoauth2("at-1"))) {
            login(server, provider);
            server.awaitScriptDone(DONE);
        }
        assertEquals(List.of(Map.of("grant_type", "refresh_token", "refresh_token", REFRESH_TOKEN,
                "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET, "scope", SCOPE)), tokens.requests());
        assertEquals(List.of(), tokens.problems());
    }

    @Test
    void clientCredentialsGrantPostsTheClientFormAndTheTokenLogsInWithOauthbearer() throws Exception {
        tokens.answer(token("at-app", 3600));
        OAuth2AccessTokenProvider provider = new OAuth2AccessTokenProvider(new ClientCredentialsGrant(endpoint(),
                new ClientCredentials(CLIENT_ID, CLIENT_SECRET), "https://outlook.office365.com/.default"), clock);
        try (ScriptedPop3Server server = ScriptedPop3Server.start(acceptsOauthbearer("at-app"))) {
            login(server, provider);
            server.awaitScriptDone(DONE);
        }
        assertEquals(List.of(Map.of("grant_type", "client_credentials", "client_id", CLIENT_ID,
                "client_secret", CLIENT_SECRET, "scope", "https://outlook.office365.com/.default")), tokens.requests());
    }

    @Test
    void aPublicClientWithoutScopeSendsNeitherSecretNorScope() throws Exception {
        tokens.answer(token("at-1", 3600));
        OAuth2AccessTokenProvider provider = new OAuth2AccessTokenProvider(new RefreshTokenGrant(endpoint(),
                new ClientCredentials(CLIENT_ID, ""), REFRESH_TOKEN, null, null), clock);
        assertEquals("at-1", provider.accessToken(USER, false));
        assertEquals(Map.of("grant_type", "refresh_token", "refresh_token", REFRESH_TOKEN, "client_id", CLIENT_ID),
                tokens.request(0));
    }

    // ------------------------------------------------------------------------------------------ cache and expiry

    @Test
    void aSecondLoginUsesTheCachedToken() throws Exception {
        tokens.answer(token("at-1", 3600));
        OAuth2AccessTokenProvider provider = refreshProvider(REFRESH_TOKEN, null);
        try (ScriptedPop3Server server = ScriptedPop3Server.builder()
                .session(acceptsXoauth2("at-1")).session(acceptsXoauth2("at-1")).start()) {
            login(server, provider);
            login(server, provider);
            server.awaitScriptDone(DONE);
            assertEquals(2, server.connectionCount());
        }
        assertEquals(1, tokens.requestCount());
    }

    @Test
    void aTokenIsReplacedAMinuteBeforeItExpires() throws Exception {
        tokens.answer(token("at-1", 3600), token("at-2", 3600));
        OAuth2AccessTokenProvider provider = refreshProvider(REFRESH_TOKEN, null);
        assertEquals("at-1", provider.accessToken(USER, false));
        clock.advance(Duration.ofSeconds(3600 - 60).minusMillis(1));
        assertEquals("at-1", provider.accessToken(USER, false));
        assertEquals(1, tokens.requestCount());
        clock.advance(Duration.ofMillis(1));
        assertEquals("at-2", provider.accessToken(USER, false));
        assertEquals(2, tokens.requestCount());
    }

    @Test
    void aShortLivedTokenIsKeptForHalfItsLifetime() {
        assertEquals(Duration.ofSeconds(3540), OAuth2AccessTokenProvider.usableFor(Duration.ofSeconds(3600)));
        assertEquals(Duration.ofSeconds(50), OAuth2AccessTokenProvider.usableFor(Duration.ofSeconds(100)));
    }

    @Test
    void concurrentLoginsShareOneTokenRequest() throws Exception {
        tokens.answer(token("at-1", 3600));
        OAuth2AccessTokenProvider provider = refreshProvider(REFRESH_TOKEN, null);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return provider.accessToken(USER, false);
                }));
            }
            go.countDown();
            for (Future<String> f : results) {
                assertEquals("at-1", f.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, tokens.requestCount());
        assertEquals(List.of(), tokens.problems());
    }

    @Test
    void aTokenTheServerRefusesIsRefreshedAndTheLoginSucceeds() throws Exception {
        tokens.answer(token("at-stale", 3600), token("at-fresh", 3600));
        OAuth2AccessTokenProvider provider = refreshProvider(REFRESH_TOKEN, null);
        String error = b64("{\"status\":\"401\",\"schemes\":\"bearer\"}");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                .greeting()
                .expect("CAPA").send(capa("XOAUTH2"))
                .expect(xoauth2("at-stale")).send("+ " + error + "\r\n")
                .expect("").send("-ERR [AUTH] invalid token\r\n")
                .expect(xoauth2("at-fresh")).send("+OK\r\n")
                .expect("CAPA").send(capa("XOAUTH2")))) {
            login(server, provider);
            server.awaitScriptDone(DONE);
        }
        assertEquals(2, tokens.requestCount(), "the refused token was not taken from the cache again");
        assertEquals("at-fresh", provider.accessToken(USER, false), "the fresh token is the one cached");
        assertEquals(2, tokens.requestCount());
    }

    // ---------------------------------------------------------------------------------------------------- errors

    @Test
    void aTokenEndpointErrorNamesTheEndpointAndTheOAuthErrorButNoSecret() throws Exception {
        // an endpoint that echoes the refresh token in its description must not get it into our message
        tokens.answer(error(400, "invalid_grant", "AADSTS70008: the refresh token " + REFRESH_TOKEN + " has expired"));
        OAuth2AccessTokenProvider provider = refreshProvider(REFRESH_TOKEN, null);
        IOException e;
        try (LogCapture logs = LogCapture.everything();
                ScriptedPop3Server server = ScriptedPop3Server.start(s -> s
                        .greeting()
                        .expect("CAPA").send(capa("XOAUTH2")))) {
            e = assertThrows(IOException.class, () -> login(server, provider));
            server.awaitScriptDone(DONE);
            String everything = trace(e) + "\n" + logs.text() + "\n" + provider;
            for (String secret : List.of(REFRESH_TOKEN, CLIENT_SECRET)) {
                assertFalse(everything.contains(secret), "leaked " + secret + " in:\n" + everything);
            }
        }
        assertEquals("the token endpoint " + tokens.uri() + " refused the token request (HTTP 400): invalid_grant:"
                + " AADSTS70008: the refresh token ****** has expired", e.getMessage());
        TokenEndpointException refusal = assertThrowsCause(TokenEndpointException.class, e);
        assertEquals("invalid_grant", refusal.error());
        assertEquals(400, refusal.httpStatus());
    }

    @Test
    void anAnswerWithoutAccessTokenIsAnErrorThatShowsNoBody() throws Exception {
        tokens.answer(FakeTokenEndpoint.Answer.raw(200, "{\"refresh_token\":\"" + REFRESH_TOKEN + "-2\"}"),
                FakeTokenEndpoint.Answer.raw(502, "<html>bad gateway " + CLIENT_SECRET + "</html>"));
        OAuth2AccessTokenProvider provider = refreshProvider(REFRESH_TOKEN, null);
        IOException noToken = assertThrows(IOException.class, () -> provider.accessToken(USER, false));
        assertEquals("the token endpoint " + tokens.uri() + " answered without an access_token", noToken.getMessage());
        IOException notJson = assertThrows(IOException.class, () -> provider.accessToken(USER, false));
        assertEquals("the token endpoint " + tokens.uri() + " refused the token request (HTTP 502) without an OAuth"
                + " error code", notJson.getMessage());
    }

    @Test
    void anUnreachableTokenEndpointIsNamedInTheError() throws Exception {
        String closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = "http://127.0.0.1:" + s.getLocalPort() + "/token"; // nothing listens once it is closed
        }
        OAuth2AccessTokenProvider provider = new OAuth2AccessTokenProvider(new RefreshTokenGrant(
                new TokenEndpoint(URI.create(closed), Duration.ofSeconds(5), Duration.ofSeconds(5)),
                new ClientCredentials(CLIENT_ID, CLIENT_SECRET), REFRESH_TOKEN, null, null), clock);
        IOException e = assertThrows(IOException.class, () -> provider.accessToken(USER, false));
        assertTrue(
                e.getMessage().startsWith("cannot reach the token endpoint " + closed + ": java.net.ConnectException"),
                e.getMessage());
        assertFalse(trace(e).contains(REFRESH_TOKEN) || trace(e).contains(CLIENT_SECRET), trace(e));
    }

    @Test
    void anHttpTokenEndpointIsRefusedUnlessItIsLoopback() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TokenEndpoint(
                URI.create("http://login.example.com/token"), Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("https"), e.getMessage());
    }

    @Test
    void expiresInSentAsAStringIsUnderstood() throws Exception {
        TokenResponse r = TokenResponse.parse("{\"access_token\":\"a\",\"expires_in\":\"3599\"}", "x");
        assertEquals(Duration.ofSeconds(3599), r.expiresIn().orElseThrow());
        assertFalse(r.toString().contains("a\""), r.toString());
    }

    // -------------------------------------------------------- bounded answers: at most 64 KiB, within the timeout

    @Test
    @Timeout(30) // without the bound it would read until the heap is full: fail instead
    void anEndlessAnswerIsCutAtTheBoundAndTheEndpointStopsSending() throws Exception {
        tokens.answer(FakeTokenEndpoint.endless());
        OAuth2AccessTokenProvider provider = refreshProvider(REFRESH_TOKEN, null);
        IOException e = assertThrows(IOException.class, () -> provider.accessToken(USER, false));
        assertEquals("the token endpoint " + tokens.uri() + " answered with more than 65536 bytes (HTTP 200); a token"
                + " response is a few kilobytes, so the rest was not read", e.getMessage());
        assertNoSecretIn(e);
        assertTrue(tokens.awaitAnswersCutByClient(1, DONE), "the client closed the connection");
        long sent = tokens.bodyBytesSent();
        assertTrue(sent > TokenEndpoint.MAX_ANSWER_BYTES, "the bound was reached: " + sent);
        assertTrue(sent <= TokenEndpoint.MAX_ANSWER_BYTES + socketBuffers(),
                "sent " + sent + " bytes: more than the bound and what the socket buffers hold");
        Thread.sleep(200);
        assertEquals(sent, tokens.bodyBytesSent(), "nothing more was sent once the connection was closed");
    }

    @Test
    @Timeout(30) // without the deadline it would wait for ever: fail instead
    void aTricklingAnswerEndsAtTheRequestTimeoutAndTheConnectionIsClosed() throws Exception {
        tokens.answer(FakeTokenEndpoint.trickle(Duration.ofMillis(50)));
        Duration timeout = Duration.ofSeconds(1);
        OAuth2AccessTokenProvider provider = provider(new TokenEndpoint(URI.create(tokens.uri()),
                Duration.ofSeconds(5), timeout));
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> provider.accessToken(USER, false));
        long failedAt = System.nanoTime();
        Duration elapsed = Duration.ofNanos(failedAt - start);
        assertEquals("the token endpoint " + tokens.uri() + " did not finish its answer within PT1S", e.getMessage());
        assertNoSecretIn(e);
        assertTrue(elapsed.compareTo(timeout) >= 0 && elapsed.compareTo(timeout.plusSeconds(2)) < 0,
                "failed after " + elapsed);
        assertTrue(tokens.bodyBytesSent() >= 10, "the body was trickling: " + tokens.bodyBytesSent() + " bytes");
        assertTrue(tokens.awaitAnswersCutByClient(1, DONE), "the client closed the connection");
        assertTrue(Duration.ofNanos(tokens.cutAt(0) - failedAt).compareTo(Duration.ofSeconds(2)) < 0,
                "the server saw the close " + Duration.ofNanos(tokens.cutAt(0) - failedAt) + " after the timeout");
    }

    @Test
    void tokenAnswersUpToTheBoundAreRead() throws Exception {
        tokens.answer(token("at-1", 3600), token("at-2", 3600).paddedTo(TokenEndpoint.MAX_ANSWER_BYTES));
        OAuth2AccessTokenProvider provider = refreshProvider(REFRESH_TOKEN, null);
        assertEquals("at-1", provider.accessToken(USER, true));
        assertEquals("at-2", provider.accessToken(USER, true));
        assertEquals(2, tokens.requestCount());
        assertEquals(List.of(), tokens.problems());
    }

    @Test
    void anAnswerOneByteOverTheBoundIsRefusedByItsLength() {
        tokens.answer(error(400, "invalid_request", "x").paddedTo(TokenEndpoint.MAX_ANSWER_BYTES + 1));
        OAuth2AccessTokenProvider provider = refreshProvider(REFRESH_TOKEN, null);
        IOException e = assertThrows(IOException.class, () -> provider.accessToken(USER, false));
        assertEquals("the token endpoint " + tokens.uri() + " answered with more than 65536 bytes (HTTP 400); a token"
                + " response is a few kilobytes, so the rest was not read", e.getMessage());
    }

    @Test
    void theEndpointIsShownWithoutItsQueryOrUserInfo() {
        TokenEndpoint endpoint = new TokenEndpoint(URI.create("https://app:" + CLIENT_SECRET
                + "@login.example.com:8443/t/token?client_secret=" + CLIENT_SECRET + "#x"), DONE, DONE);
        assertEquals("TokenEndpoint[https://login.example.com:8443/t/token]", endpoint.toString());
        String provider = new OAuth2AccessTokenProvider(new ClientCredentialsGrant(endpoint,
                new ClientCredentials(CLIENT_ID, CLIENT_SECRET), null)).toString();
        assertTrue(provider.contains("https://login.example.com:8443/t/token"), provider);
        assertFalse(provider.contains(CLIENT_SECRET), provider);
    }

    @Test
    @Timeout(60)
    void misbehavingAnswersLeaveNoConnectionOpenAndNoThreadBehind() throws Exception {
        TokenEndpoint endpoint = new TokenEndpoint(URI.create(tokens.uri()), DONE, Duration.ofMillis(200));
        OAuth2AccessTokenProvider provider = provider(endpoint);
        List<String> before = HttpClientThreads.now(); // other tests' clients, until they are collected
        int rounds = 10;
        List<Integer> threads = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            tokens.answer(FakeTokenEndpoint.trickle(Duration.ofMillis(20)), FakeTokenEndpoint.endless());
            assertThrows(IOException.class, () -> provider.accessToken(USER, true));
            assertThrows(IOException.class, () -> provider.accessToken(USER, true));
            threads.add(HttpClientThreads.since(before).size());
        }
        assertTrue(tokens.awaitAnswersCutByClient(2 * rounds, DONE),
                "the client closed " + tokens.answersCutByClient() + " of " + 2 * rounds + " connections");
        List<String> ours = HttpClientThreads.since(before);
        assertEquals(1, ours.stream().map(n -> n.replaceFirst("^(HttpClient-\\d+-).*", "$1")).distinct().count(),
                "one HTTP client for all requests: " + ours);
        // a selector and a few pooled workers (4 on Java 17, 5 on 25); a thread kept per failed request would be 20
        assertTrue(threads.stream().allMatch(n -> n <= 6), "threads after each round: " + threads);
        provider.close();
        assertTrue(HttpClientThreads.end(ours, DONE), "the closed client's threads ended: " + HttpClientThreads.now());
        tokens.answer(token("at-after-close", 3600));
        assertEquals("at-after-close", provider.accessToken(USER, true), "a closed provider opens a new client");
    }

    // ------------------------------------------------------------------------------------ refresh token rotation

    @Test
    void aRotatedRefreshTokenIsSavedToTheFileAndUsedAfterARestart() throws Exception {
        Path file = tmp.resolve("m365-refresh-token");
        tokens.answer(token("at-1", 3600).refreshToken("rt-rotated-2"), token("at-2", 3600));
        OAuth2AccessTokenProvider first = refreshProvider(REFRESH_TOKEN, new FileRefreshTokenStore(file));
        try (ScriptedPop3Server server = ScriptedPop3Server.start(acceptsXoauth2("at-1"))) {
            login(server, first);
            server.awaitScriptDone(DONE);
        }
        assertEquals("rt-rotated-2\n", Files.readString(file));

        // a restart: a new provider with the same (now superseded) configured token and the same file
        OAuth2AccessTokenProvider afterRestart = refreshProvider(REFRESH_TOKEN, new FileRefreshTokenStore(file));
        try (ScriptedPop3Server server = ScriptedPop3Server.start(acceptsXoauth2("at-2"))) {
            login(server, afterRestart);
            server.awaitScriptDone(DONE);
        }
        assertEquals(REFRESH_TOKEN, tokens.request(0).get("refresh_token"));
        assertEquals("rt-rotated-2", tokens.request(1).get("refresh_token"));
    }

    @Test
    void theRefreshTokenFileIsReadableByItsOwnerOnlyAndReplacedWhole() throws Exception {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
        Path file = tmp.resolve("refresh-token");
        Files.writeString(file, "rt-old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        new FileRefreshTokenStore(file).save("rt-new");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rt-new", new FileRefreshTokenStore(file).load().orElseThrow());
        try (var listing = Files.list(tmp)) {
            assertEquals(List.of(file), listing.toList(), "no temporary file left behind");
        }
    }

    @Test
    void withoutAStoreARotatedRefreshTokenIsKeptInMemory() throws Exception {
        tokens.answer(token("at-1", 3600).refreshToken("rt-rotated-2"), token("at-2", 3600));
        OAuth2AccessTokenProvider provider = refreshProvider(REFRESH_TOKEN, null);
        assertEquals("at-1", provider.accessToken(USER, false));
        assertEquals("at-2", provider.accessToken(USER, true));
        assertEquals("rt-rotated-2", tokens.request(1).get("refresh_token"));
    }

    @Test
    void aStoredTokenRefusedAsInvalidGrantGivesWayToANewlyConfiguredOne() throws Exception {
        Path file = tmp.resolve("refresh-token");
        Files.writeString(file, "rt-expired\n");
        tokens.answer(error(400, "invalid_grant", "expired"), token("at-1", 3600));
        OAuth2AccessTokenProvider provider = refreshProvider("rt-pasted-new", new FileRefreshTokenStore(file));
        assertEquals("at-1", provider.accessToken(USER, false));
        assertEquals(List.of("rt-expired", "rt-pasted-new"),
                tokens.requests().stream().map(f -> f.get("refresh_token")).toList());
        assertEquals("rt-pasted-new\n", Files.readString(file));
    }

    // ----------------------------------------------------------------------------------------------------- helpers

    private TokenEndpoint endpoint() {
        return new TokenEndpoint(URI.create(tokens.uri()), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    private OAuth2AccessTokenProvider provider(TokenEndpoint endpoint) {
        return new OAuth2AccessTokenProvider(new RefreshTokenGrant(endpoint,
                new ClientCredentials(CLIENT_ID, CLIENT_SECRET), REFRESH_TOKEN, SCOPE, null), clock);
    }

    private static void assertNoSecretIn(Throwable e) {
        for (String secret : List.of(REFRESH_TOKEN, CLIENT_SECRET)) {
            assertFalse(trace(e).contains(secret), "leaked " + secret + " in:\n" + trace(e));
        }
    }

    /**
     * What the socket buffers between the fake endpoint and the client can hold beyond what the client read before it
     * hung up: the largest send and receive buffers TCP may grow to (the last numbers of Linux's tcp_wmem and
     * tcp_rmem), 64 MiB where unknown. Measured: 16 KiB on Java 17, 4 MiB on Java 25 (its client reads faster, so
     * the buffers grow); an unbounded reader would take gigabytes in the time the test waits.
     */
    private static long socketBuffers() {
        try {
            return largest("/proc/sys/net/ipv4/tcp_wmem") + largest("/proc/sys/net/ipv4/tcp_rmem");
        } catch (IOException | RuntimeException e) {
            return 64L << 20;
        }
    }

    private static long largest(String procFile) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(procFile))) { // Files.readString reads /proc files short
            String[] numbers = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+");
            return Long.parseLong(numbers[numbers.length - 1]);
        }
    }

    private OAuth2AccessTokenProvider refreshProvider(String refreshToken, RefreshTokenStore store) {
        return new OAuth2AccessTokenProvider(new RefreshTokenGrant(endpoint(),
                new ClientCredentials(CLIENT_ID, CLIENT_SECRET), refreshToken, SCOPE, store), clock);
    }

    private static void login(ScriptedPop3Server server, OAuth2AccessTokenProvider provider) throws IOException {
        try (Pop3Client pop = Pop3Client.connect(server.host(), server.port(), Pop3ClientOptions.builder()
                .tlsMode(TlsMode.NONE).readTimeout(Duration.ofSeconds(5)).debugLevel(2).build())) {
            pop.login(USER, null, provider, Pop3Client.AUTO);
            assertTrue(pop.isAuthenticated());
        }
    }

    private static Consumer<ScriptedPop3Server.Script> acceptsXoauth2(String token) {
        return s -> s.greeting()
                .expect("CAPA").send(capa("XOAUTH2"))
                .expect(xoauth2(token)).send("+OK\r\n")
                .expect("CAPA").send(capa("XOAUTH2"));
    }

    private static Consumer<ScriptedPop3Server.Script> acceptsOauthbearer(String token) {
        return s -> s.greeting()
                .expect("CAPA").send(capa("XOAUTH2 OAUTHBEARER"))
                .expectLine("AUTH OAUTHBEARER with " + token, line -> line.startsWith("AUTH OAUTHBEARER ")
                        && decode(line.substring("AUTH OAUTHBEARER ".length()))
                                .matches("n,a=" + USER + ",\u0001host=127\\.0\\.0\\.1\u0001port=\\d+\u0001auth=Bearer "
                                        + token + "\u0001\u0001"))
                .send("+OK\r\n")
                .expect("CAPA").send(capa("XOAUTH2 OAUTHBEARER"));
    }

    private static String xoauth2(String token) {
        return "AUTH XOAUTH2 " + b64("user=" + USER + "\u0001auth=Bearer " + token + "\u0001\u0001");
    }

    private static String capa(String sasl) {
        return "+OK\r\nUSER\r\nSASL " + sasl + "\r\n.\r\n";
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String b64) {
        try {
            return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String trace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private static <T extends Throwable> T assertThrowsCause(Class<T> type, Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + trace(t));
    }

    /** A clock the test moves by hand, so expiry is tested without waiting. */
    private static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
