package dev.pop3raw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A fake OAuth 2.0 token endpoint (RFC 6749) on loopback, for tests of the access-token providers: it answers each
 * POST to {@code /token} with the next scripted answer, records the form fields it received, and counts requests.
 * Anything a real endpoint would reject (not a POST, not form-encoded, a request with no scripted answer left) is
 * answered 500 and recorded in {@link #problems()}, so a test can assert there were none.
 * <p>
 * It can also misbehave: an {@linkplain #endless() endless} body, or one that {@linkplain #trickle trickles}. Both go
 * on until the client closes the connection, which the fake notices when a write fails and records
 * ({@link #answersCutByClient()}); {@link #bodyBytesSent()} counts what it managed to write.
 *
 * <pre>{@code
 * try (FakeTokenEndpoint tokens = FakeTokenEndpoint.start()) {
 *     tokens.answer(FakeTokenEndpoint.token("at-1", 3600).refreshToken("rt-2"));
 *     ... provider pointed at tokens.uri() ...
 *     assertEquals(1, tokens.requestCount());
 *     assertEquals("refresh_token", tokens.request(0).get("grant_type"));
 * }
 * }</pre>
 */
public final class FakeTokenEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-token-endpoint");
        t.setDaemon(true);
        return t;
    });
    private final Deque<Answer> answers = new ArrayDeque<>();
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong bodyBytesSent = new AtomicLong();
    /** System.nanoTime() when each never-ending answer found its connection closed by the client. */
    private final List<Long> cuts = new CopyOnWriteArrayList<>();

    private FakeTokenEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static FakeTokenEndpoint start() throws IOException {
        return new FakeTokenEndpoint();
    }

    /** {@code http://127.0.0.1:port/token}. */
    public String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** Queues answers, one per request, in order. */
    public synchronized FakeTokenEndpoint answer(Answer... next) {
        answers.addAll(List.of(next));
        return this;
    }

    /** A successful token answer. */
    public static Answer token(String accessToken, long expiresInSeconds) {
        return answer(200, "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                + expiresInSeconds + "}");
    }

    /** An RFC 6749 section 5.2 error answer. */
    public static Answer error(int status, String error, String description) {
        return answer(status, "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}");
    }

    /**
     * A 200 answer whose body never ends (spaces, 8 KiB per write, as fast as the client takes them), until the client
     * closes the connection.
     */
    public static Answer endless() {
        byte[] block = new byte[8192];
        Arrays.fill(block, (byte) ' ');
        return new Answer(200, null, block, Duration.ZERO);
    }

    /** A 200 answer that sends one byte of body every {@code interval}, for ever, until the client hangs up. */
    public static Answer trickle(Duration interval) {
        return new Answer(200, null, new byte[]{' '}, interval);
    }

    /** Bytes of body written to the clients, over all answers (a write counts once it returned). */
    public long bodyBytesSent() {
        return bodyBytesSent.get();
    }

    /** How many never-ending answers ended because the client closed the connection. */
    public int answersCutByClient() {
        return cuts.size();
    }

    /** When answer {@code i} (0-based) of the never-ending ones found its connection closed, in System.nanoTime(). */
    public long cutAt(int i) {
        return cuts.get(i);
    }

    /** Waits until {@code n} never-ending answers were cut by the client; false when they were not within the time. */
    public boolean awaitAnswersCutByClient(int n, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (cuts.size() < n && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        return cuts.size() >= n;
    }

    public int requestCount() {
        return count.get();
    }

    /** The form fields of request {@code i} (0-based). */
    public Map<String, String> request(int i) {
        return requests.get(i);
    }

    public List<Map<String, String>> requests() {
        return List.copyOf(requests);
    }

    /** What was wrong with the requests (empty when every one was a well-formed, answered form POST). */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            Answer answer;
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer = problem("method " + exchange.getRequestMethod());
            } else if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
                answer = problem("content type " + type);
            } else {
                requests.add(parseForm(body));
                synchronized (this) {
                    answer = answers.isEmpty()
                            ? problem("no scripted answer for request " + (count.get() + 1))
                            : answers.poll();
                }
            }
            count.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (answer.block != null) {
                neverEnd(exchange, answer);
                return;
            }
            byte[] bytes = answer.body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
                bodyBytesSent.addAndGet(bytes.length);
            }
        }
    }

    /** Writes {@code answer.block} again and again (chunked: no length, no end) until a write fails. */
    private void neverEnd(HttpExchange exchange, Answer answer) throws IOException {
        exchange.sendResponseHeaders(answer.status, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            while (true) {
                out.write(answer.block);
                out.flush();
                bodyBytesSent.addAndGet(answer.block.length);
                Thread.sleep(answer.interval.toMillis());
            }
        } catch (IOException e) {
            cuts.add(System.nanoTime()); // the client closed the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the fake is closing
        }
    }

    private Answer problem(String what) {
        problems.add(what);
        return new Answer(500, "{\"error\":\"server_error\"}", null, null);
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static Answer answer(int status, String body) {
        return new Answer(status, body, null, null);
    }

    /** One scripted HTTP answer: a body of known length, or a block written again and again. */
    public static final class Answer {
        private final int status;
        private final String body;
        private final byte[] block;
        private final Duration interval;

        private Answer(int status, String body, byte[] block, Duration interval) {
            this.status = status;
            this.body = body;
            this.block = block;
            this.interval = interval;
        }

        /** The same answer carrying a new refresh token, as Microsoft's do (rotation). */
        public Answer refreshToken(String refreshToken) {
            return answer(status, body.substring(0, body.length() - 1) + ",\"refresh_token\":\"" + refreshToken
                    + "\"}");
        }

        /** The same answer with a {@code padding} member that makes its body exactly {@code bytes} long (ASCII). */
        public Answer paddedTo(int bytes) {
            String open = body.substring(0, body.length() - 1) + ",\"padding\":\"";
            int fill = bytes - open.length() - "\"}".length();
            if (fill < 0) {
                throw new IllegalArgumentException("the answer is already longer than " + bytes + " bytes");
            }
            return answer(status, open + "x".repeat(fill) + "\"}");
        }

        /** An answer with any status and body. */
        public static Answer raw(int status, String body) {
            return answer(status, body);
        }
    }
}
