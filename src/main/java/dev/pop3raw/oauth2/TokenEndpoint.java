package dev.pop3raw.oauth2;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.camel.util.json.JsonObject;

/**
 * An OAuth 2.0 token endpoint (RFC 6749 section 3.2): one form-encoded POST per token request, with the JDK's HTTP
 * client and finite connect and request timeouts. The client authenticates with client_id and client_secret in the
 * form (client_secret_post), which Google and the Microsoft identity platform both accept.
 * <p>
 * Errors become {@link TokenEndpointException}s naming the endpoint and the OAuth error, never the request's secrets
 * or the answer's body (a successful answer holds tokens).
 */
public final class TokenEndpoint implements AutoCloseable {

    /**
     * The most of an answer that is read: a token response is a JSON object of a few kilobytes (Microsoft's, with a
     * refresh token and an id token, stay under 8 KiB), an error answer or a proxy's HTML error page less. 64 KiB
     * leaves room for any real one and keeps a broken or hostile endpoint from filling the heap.
     */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final URI uri;
    /** The URI as messages show it: without user info, query or fragment, which could carry credentials. */
    private final String shown;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private volatile HttpClient http;

    /** The endpoint as messages and {@code toString}s show it: {@code scheme://host[:port]/path}, no credential. */
    public String shownUri() {
        return shown;
    }

    /**
     * @throws IllegalArgumentException when {@code uri} is not https (plain http is allowed to loopback only: the
     *                                  form carries the client secret and the refresh token)
     */
    public TokenEndpoint(URI uri, Duration connectTimeout, Duration requestTimeout) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.shown = shown(uri);
        this.connectTimeout = positive(connectTimeout, "connectTimeout");
        this.requestTimeout = positive(requestTimeout, "requestTimeout");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http") && isLoopback(uri.getHost()))) {
            throw new IllegalArgumentException("the token endpoint must be an https URL (http only to loopback), was "
                    + shown);
        }
    }

    public URI uri() {
        return uri;
    }

    /**
     * Posts {@code form} and returns the token it was given.
     *
     * @param secrets the form values that must never appear in an error message, even when the endpoint echoes them
     */
    public TokenResponse requestToken(Map<String, String> form, Collection<String> secrets) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form)))
                .build();
        HttpResponse<String> response = exchange(request);
        if (response.statusCode() / 100 != 2) {
            throw refusal(response, secrets);
        }
        return TokenResponse.parse(response.body(), shown);
    }

    /**
     * Sends {@code request} and reads the answer, all of it within the request timeout and at most
     * {@link #MAX_ANSWER_BYTES} of it. The request timeout alone bounds only the wait for the headers; a body that
     * trickles a byte a second would hold the poll for ever. On the deadline both the exchange and the reading of the
     * body are cancelled, and the JDK closes the connection.
     */
    private HttpResponse<String> exchange(HttpRequest request) throws IOException {
        BoundedBody body = new BoundedBody(MAX_ANSWER_BYTES, status -> new TokenEndpointException("the token endpoint "
                + shown + " answered with more than " + MAX_ANSWER_BYTES + " bytes (HTTP " + status + "); a token"
                + " response is a few kilobytes, so the rest was not read", null, null, status));
        CompletableFuture<HttpResponse<String>> answer = client().sendAsync(request, body);
        try {
            return answer.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            TokenEndpointException late = new TokenEndpointException("the token endpoint " + shown
                    + " did not finish its answer within " + requestTimeout, null, null, 0);
            body.cancel(late);
            answer.cancel(true);
            throw late;
        } catch (InterruptedException e) {
            body.cancel(e);
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking the token endpoint " + shown + " for a token", e);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        }
    }

    /** Why the exchange failed, as a message naming the endpoint (never the request's form, nor the body). */
    private IOException failure(Throwable cause) {
        if (cause instanceof TokenEndpointException e) {
            return e; // ours: the body was too long
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return new TokenEndpointException("could not connect to the token endpoint " + shown + " within "
                    + connectTimeout, null, null, 0);
        }
        if (cause instanceof HttpTimeoutException) {
            return new TokenEndpointException("the token endpoint " + shown + " did not answer within "
                    + requestTimeout, null, null, 0);
        }
        // the JDK's own messages are often bare (a ConnectException without text); they never hold the body
        return new IOException("cannot reach the token endpoint " + shown + ": " + cause, cause);
    }

    /** RFC 6749 section 5.2: a JSON object with error and, optionally, error_description. */
    private TokenEndpointException refusal(HttpResponse<String> response, Collection<String> secrets) {
        JsonObject o = TokenResponse.parseObject(response.body());
        String error = o == null ? null : TokenResponse.text(o, "error");
        String description = o == null ? null : TokenResponse.text(o, "error_description");
        description = description == null ? null : redact(description, secrets);
        StringBuilder message = new StringBuilder("the token endpoint ").append(shown)
                .append(" refused the token request")
                .append(" (HTTP ").append(response.statusCode()).append(')');
        if (error != null) {
            message.append(": ").append(redact(error, secrets));
            if (description != null) {
                message.append(": ").append(description);
            }
        } else {
            message.append(" without an OAuth error code");
        }
        return new TokenEndpointException(message.toString(), error, description, response.statusCode());
    }

    /** An endpoint that echoes a secret back in its error text must not get it into a log through us. */
    private static String redact(String text, Collection<String> secrets) {
        String result = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                result = result.replace(secret, "******");
            }
        }
        return result;
    }

    /** application/x-www-form-urlencoded (RFC 6749 appendix B). */
    static String formBody(Map<String, String> form) {
        return new LinkedHashMap<>(form).entrySet().stream()
                .filter(e -> e.getValue() != null)
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8); // spaces as '+', as appendix B requires
    }

    private HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                if (http == null) {
                    // created on first use: an HttpClient owns a selector thread for as long as it is referenced
                    http = HttpClient.newBuilder().connectTimeout(connectTimeout)
                            .followRedirects(HttpClient.Redirect.NEVER).build();
                }
                c = http;
            }
        }
        return c;
    }

    /**
     * Lets go of the HTTP client: its pooled connections and its threads. On Java 21 and later the client is closed
     * (its connections at once, its threads once the exchanges in flight end, which the request timeout bounds); on
     * Java 17, which has no such method, they end when the client is garbage collected, as it now may be. A later
     * request opens a new client, so a stopped and restarted route works.
     */
    @Override
    public void close() {
        HttpClient c;
        synchronized (this) {
            c = http;
            http = null;
        }
        if (c instanceof AutoCloseable closeable) { // HttpClient implements AutoCloseable from Java 21
            try {
                closeable.close();
            } catch (Exception e) {
                // nothing to do: the client is dropped either way
            }
        }
    }

    /** {@code scheme://host[:port]/path}: enough to know which endpoint, nothing that could be a credential. */
    private static String shown(URI uri) {
        if (uri.getHost() == null) { // not a URL this class accepts: shown without its query or fragment
            return uri.toString().replaceFirst("[?#].*", "");
        }
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getScheme() + "://" + uri.getHost() + port + path;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Duration positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "TokenEndpoint[" + shown + "]";
    }
}
