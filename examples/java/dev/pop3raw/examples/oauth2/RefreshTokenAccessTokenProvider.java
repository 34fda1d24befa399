package dev.pop3raw.examples.oauth2;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.pop3raw.client.sasl.AccessTokenProvider;

/**
 * Example {@link AccessTokenProvider}: gets OAuth 2.0 access tokens from a token endpoint (RFC 6749) with the JDK's
 * HTTP client, and caches each until shortly before it expires.
 * <ul>
 * <li>With a refresh token it uses the {@code refresh_token} grant: Gmail, and Microsoft 365 with the delegated
 * permission {@code POP.AccessAsUser.All}.</li>
 * <li>Without one it uses the {@code client_credentials} grant: Microsoft 365 app-only access
 * ({@code POP.AccessAsApp}, scope {@code https://outlook.office365.com/.default}).</li>
 * </ul>
 * When the POP3 server rejects a token the client asks again with {@code forceRefresh = true}, and a new token is
 * fetched. This is example code to copy and adapt (for instance to store a rotated refresh token); it has no retry
 * policy and parses only the two fields it needs from the JSON response. The tokens are never logged.
 */
public class RefreshTokenAccessTokenProvider implements AccessTokenProvider {

    /** Google's token endpoint. */
    public static final String GOOGLE_TOKEN_ENDPOINT = "https://oauth2.googleapis.com/token";
    /** The scope Gmail needs for POP3 (and IMAP, SMTP). */
    public static final String GMAIL_SCOPE = "https://mail.google.com/";
    /** Delegated POP3 access to Exchange Online, with a refresh token. */
    public static final String MICROSOFT_DELEGATED_SCOPE = "https://outlook.office.com/POP.AccessAsUser.All offline_access";
    /** App-only POP3 access to Exchange Online (client credentials). */
    public static final String MICROSOFT_APP_SCOPE = "https://outlook.office365.com/.default";

    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern EXPIRES_IN = Pattern.compile("\"expires_in\"\\s*:\\s*\"?(\\d+)");
    private static final Pattern REFRESH_TOKEN = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"");

    private String tokenEndpoint;
    private String clientId;
    private String clientSecret;
    private String refreshToken;
    private String scope;
    private Duration timeout = Duration.ofSeconds(20);

    private HttpClient http;
    private String cachedToken;
    private Instant cachedUntil = Instant.MIN;

    public RefreshTokenAccessTokenProvider() {
    }

    /** Microsoft 365 with a refresh token (delegated permission POP.AccessAsUser.All). */
    public static RefreshTokenAccessTokenProvider microsoft365(String tenant, String clientId, String refreshToken) {
        RefreshTokenAccessTokenProvider p = new RefreshTokenAccessTokenProvider();
        p.setTokenEndpoint("https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token");
        p.setClientId(clientId);
        p.setRefreshToken(refreshToken);
        p.setScope(MICROSOFT_DELEGATED_SCOPE);
        return p;
    }

    /** Gmail with a refresh token granted for https://mail.google.com/. */
    public static RefreshTokenAccessTokenProvider gmail(String clientId, String clientSecret, String refreshToken) {
        RefreshTokenAccessTokenProvider p = new RefreshTokenAccessTokenProvider();
        p.setTokenEndpoint(GOOGLE_TOKEN_ENDPOINT);
        p.setClientId(clientId);
        p.setClientSecret(clientSecret);
        p.setRefreshToken(refreshToken);
        return p;
    }

    @Override
    public synchronized String accessToken(String username, boolean forceRefresh) throws IOException {
        if (!forceRefresh && cachedToken != null && Instant.now().isBefore(cachedUntil)) {
            return cachedToken;
        }
        String response = post(form());
        Matcher token = ACCESS_TOKEN.matcher(response);
        if (!token.find()) {
            // the error response names the problem (invalid_grant, invalid_client, ...) and holds no token
            throw new IOException("the token endpoint " + tokenEndpoint + " returned no access_token: " + response);
        }
        Matcher expires = EXPIRES_IN.matcher(response);
        long seconds = expires.find() ? Long.parseLong(expires.group(1)) : 300;
        Matcher rotated = REFRESH_TOKEN.matcher(response);
        if (rotated.find() && hasText(refreshToken)) {
            refreshToken = rotated.group(1); // Microsoft may rotate it; a real application should persist it
        }
        cachedToken = token.group(1);
        cachedUntil = Instant.now().plusSeconds(Math.max(0, seconds - 60));
        return cachedToken;
    }

    /** The form the token request sends (without sending it). */
    Map<String, String> form() {
        Map<String, String> form = new LinkedHashMap<>();
        if (hasText(refreshToken)) {
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", refreshToken);
        } else {
            form.put("grant_type", "client_credentials");
        }
        form.put("client_id", clientId);
        if (hasText(clientSecret)) {
            form.put("client_secret", clientSecret);
        }
        if (hasText(scope)) {
            form.put("scope", scope);
        }
        return form;
    }

    private String post(Map<String, String> form) throws IOException {
        if (!hasText(tokenEndpoint) || !hasText(clientId)) {
            throw new IOException("set tokenEndpoint and clientId of the access token provider");
        }
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(tokenEndpoint))
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IOException("the token endpoint " + tokenEndpoint + " answered HTTP " + response.statusCode()
                        + ": " + response.body());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + tokenEndpoint + " for a token", e);
        }
    }

    private HttpClient client() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(timeout).build();
        }
        return http;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }

    public String getTokenEndpoint() {
        return tokenEndpoint;
    }

    /** The OAuth 2.0 token endpoint URL. */
    public void setTokenEndpoint(String tokenEndpoint) {
        this.tokenEndpoint = tokenEndpoint;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getClientSecret() {
        return clientSecret;
    }

    /** The client secret; leave empty for a public client (e.g. a Microsoft desktop app registration). */
    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }

    public String getRefreshToken() {
        return refreshToken;
    }

    /** The refresh token; leave empty to use the client-credentials grant. */
    public void setRefreshToken(String refreshToken) {
        this.refreshToken = refreshToken;
    }

    public String getScope() {
        return scope;
    }

    /** The scope to ask for (space separated); Google needs none on refresh. */
    public void setScope(String scope) {
        this.scope = scope;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public String toString() {
        return "RefreshTokenAccessTokenProvider[" + tokenEndpoint + ", client " + clientId + "]"; // no secrets
    }
}
