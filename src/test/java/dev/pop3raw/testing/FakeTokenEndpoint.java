package dev.pop3raw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A fake OAuth 2.0 token endpoint (RFC 6749) on loopback, for tests of the access-token providers: it answers each
 * POST to {@code /token} with the next scripted answer, records the form fields it received, and counts requests.
 * Anything a real endpoint would reject (not a POST, not form-encoded, a request with no scripted answer left) is
 * answered 500 and recorded in {@link #problems()}, so a test can assert there were none.
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
        return new Answer(200, "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                + expiresInSeconds + "}");
    }

    /** An RFC 6749 section 5.2 error answer. */
    public static Answer error(int status, String error, String description) {
        return new Answer(status, "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}");
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
            byte[] bytes = answer.body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private Answer problem(String what) {
        problems.add(what);
        return new Answer(500, "{\"error\":\"server_error\"}");
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

    /** One scripted HTTP answer. */
    public static final class Answer {
        private final int status;
        private final String body;

        private Answer(int status, String body) {
            this.status = status;
            this.body = body;
        }

        /** The same answer carrying a new refresh token, as Microsoft's do (rotation). */
        public Answer refreshToken(String refreshToken) {
            return new Answer(status, body.substring(0, body.length() - 1) + ",\"refresh_token\":\"" + refreshToken
                    + "\"}");
        }

        /** An answer with any status and body. */
        public static Answer raw(int status, String body) {
            return new Answer(status, body);
        }
    }
}
