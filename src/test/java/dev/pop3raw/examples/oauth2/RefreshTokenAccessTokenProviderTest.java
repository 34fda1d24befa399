package dev.pop3raw.examples.oauth2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/** The example token provider against a local token endpoint (no network). */
class RefreshTokenAccessTokenProviderTest {

    private HttpServer server;
    private final List<String> forms = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile int status = 200;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", exchange -> {
            forms.add(URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8));
            byte[] body = (status == 200
                    ? "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"at-" + issued.incrementAndGet()
                            + "\"}"
                    : "{\"error\":\"invalid_grant\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    @Test
    void refreshTokenGrantCachesTheTokenUntilARefreshIsForced() throws IOException {
        RefreshTokenAccessTokenProvider p = RefreshTokenAccessTokenProvider.gmail("cid", "csecret", "rt-1");
        p.setTokenEndpoint(endpoint());
        assertEquals("at-1", p.accessToken("alice@gmail.example", false));
        assertEquals("at-1", p.accessToken("alice@gmail.example", false));
        assertEquals("at-2", p.accessToken("alice@gmail.example", true));
        assertEquals(2, forms.size());
        assertEquals("grant_type=refresh_token&refresh_token=rt-1&client_id=cid&client_secret=csecret", forms.get(0));
    }

    @Test
    void withoutRefreshTokenUsesClientCredentials() throws IOException {
        RefreshTokenAccessTokenProvider p = new RefreshTokenAccessTokenProvider();
        p.setTokenEndpoint(endpoint());
        p.setClientId("app");
        p.setClientSecret("s");
        p.setScope(RefreshTokenAccessTokenProvider.MICROSOFT_APP_SCOPE);
        assertEquals("at-1", p.accessToken("mailbox@contoso.example", false));
        assertEquals("grant_type=client_credentials&client_id=app&client_secret=s&scope="
                + RefreshTokenAccessTokenProvider.MICROSOFT_APP_SCOPE, forms.get(0));
    }

    @Test
    void anErrorResponseFailsWithTheEndpointsReasonAndNoSecret() {
        status = 400;
        RefreshTokenAccessTokenProvider p = RefreshTokenAccessTokenProvider.microsoft365("common", "cid", "rt-secret");
        p.setTokenEndpoint(endpoint());
        IOException e = assertThrows(IOException.class, () -> p.accessToken("alice", false));
        assertTrue(e.getMessage().contains("HTTP 400") && e.getMessage().contains("invalid_grant"), e.getMessage());
        assertFalse(e.getMessage().contains("rt-secret"));
        assertFalse(p.toString().contains("rt-secret"));
    }
}
