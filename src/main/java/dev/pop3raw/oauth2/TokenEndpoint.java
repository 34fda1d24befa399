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
public final class TokenEndpoint {

    private final URI uri;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private volatile HttpClient http;

    /**
     * @throws IllegalArgumentException when {@code uri} is not https (plain http is allowed to loopback only: the
     *                                  form carries the client secret and the refresh token)
     */
    public TokenEndpoint(URI uri, Duration connectTimeout, Duration requestTimeout) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.connectTimeout = positive(connectTimeout, "connectTimeout");
        this.requestTimeout = positive(requestTimeout, "requestTimeout");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http") && isLoopback(uri.getHost()))) {
            throw new IllegalArgumentException("the token endpoint must be an https URL (http only to loopback), was "
                    + uri);
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
        HttpResponse<String> response;
        try {
            response = client().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw new TokenEndpointException("could not connect to the token endpoint " + uri + " within "
                    + connectTimeout, null, null, 0);
        } catch (HttpTimeoutException e) {
            throw new TokenEndpointException("the token endpoint " + uri + " did not answer within " + requestTimeout,
                    null, null, 0);
        } catch (IOException e) {
            // the JDK's own messages are often bare (a ConnectException without text); they never hold the body
            throw new IOException("cannot reach the token endpoint " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking the token endpoint " + uri + " for a token", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw refusal(response, secrets);
        }
        return TokenResponse.parse(response.body(), uri.toString());
    }

    /** RFC 6749 section 5.2: a JSON object with error and, optionally, error_description. */
    private TokenEndpointException refusal(HttpResponse<String> response, Collection<String> secrets) {
        JsonObject o = TokenResponse.parseObject(response.body());
        String error = o == null ? null : TokenResponse.text(o, "error");
        String description = o == null ? null : TokenResponse.text(o, "error_description");
        description = description == null ? null : redact(description, secrets);
        StringBuilder message = new StringBuilder("the token endpoint ").append(uri)
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
        return "TokenEndpoint[" + uri + "]";
    }
}
