package dev.pop3raw.camel;

import static dev.pop3raw.testing.FakeTokenEndpoint.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.pop3raw.client.sasl.AccessTokenProvider;
import dev.pop3raw.testing.FakeTokenEndpoint;
import dev.pop3raw.testing.HttpClientThreads;
import dev.pop3raw.testing.LogCapture;
import dev.pop3raw.testing.ScriptedPop3Server;

/**
 * The oauth2 endpoint options: a route configured by URI options alone (no bean) gets its token from the token
 * endpoint and logs in with XOAUTH2; the presets; the bean that wins over them; and every configuration that cannot
 * work, refused at start with a message naming the option to change and no secret.
 */
class Pop3RawOAuth2OptionsTest extends CamelTestSupport {

    private static final String CLIENT_SECRET = "cs-Opt-Secret-4Hq";
    private static final String REFRESH_TOKEN = "rt-Opt-Refresh-8Zm";
    private static final String ACCESS_TOKEN = "at-Opt-Access-2Lw";
    private static final String USER = "alice@contoso.example";
    private static final String MESSAGE = "Subject: hello\r\nFrom: x@example.com\r\n\r\nbody\r\n";

    @TempDir
    Path tmp;

    @Test
    void aRouteConfiguredOnlyByUriOptionsLogsInWithXoauth2AndDeliversAMessage() throws Exception {
        try (FakeTokenEndpoint tokens = FakeTokenEndpoint.start();
                LogCapture logs = LogCapture.everything();
                ScriptedPop3Server pop3 = ScriptedPop3Server.start(
                        Pop3RawOAuth2OptionsTest::logsInWithTheAccessTokenAndDeliversTheMessage)) {
            tokens.answer(token(ACCESS_TOKEN, 3600));
            String uri = "pop3raw:127.0.0.1:" + pop3.port() + "?username=" + USER + "&delete=true&tls=none"
                    + "&initialDelay=0&delay=60000&readTimeout=5000"
                    + "&oauth2Provider=microsoft&oauth2TokenEndpoint=" + tokens.uri()
                    // secrets as placeholders, as the user guide says (Camel core logs literal URIs at TRACE)
                    + "&oauth2ClientId=app-1&oauth2ClientSecret={{m365.client-secret}}"
                    + "&oauth2RefreshToken={{m365.refresh-token}}";
            context.getPropertiesComponent().addInitialProperty("m365.client-secret", CLIENT_SECRET);
            context.getPropertiesComponent().addInitialProperty("m365.refresh-token", REFRESH_TOKEN);
            MockEndpoint out = getMockEndpoint("mock:out");
            out.expectedBodiesReceived(List.of(MESSAGE)); // the List form: the String... overload is new in Camel 4.22
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri).routeId("oauth2").convertBodyTo(String.class).to("mock:out");
                }
            });
            out.assertIsSatisfied(10_000);
            pop3.awaitScriptDone(Duration.ofSeconds(10));

            assertEquals(List.of(Map.of("grant_type", "refresh_token", "refresh_token", REFRESH_TOKEN,
                    "client_id", "app-1", "client_secret", CLIENT_SECRET,
                    "scope", "https://outlook.office.com/POP.AccessAsUser.All offline_access")), tokens.requests());
            Pop3RawEndpoint endpoint = (Pop3RawEndpoint) context.getRoute("oauth2").getEndpoint();
            // Camel core's own endpoint-creation DEBUG/TRACE lines show resolved values: not ours (see Pop3RawSecretsTest)
            String ours = String.join("\n", logs.lines().stream()
                    .filter(l -> !Pop3RawSecretsTest.camelCoreEndpointCreation(l)).toList());
            String shown = endpoint.getEndpointUri() + "\n" + endpoint + "\n" + endpoint.accessTokenProvider() + "\n"
                    + ours;
            for (String secret : List.of(CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN)) {
                assertFalse(shown.contains(secret), secret + " shown in:\n" + shown);
            }
        }
    }

    @Test
    @Timeout(60)
    void aMisbehavingTokenEndpointFailsThePollWithAClearErrorAndTheNextPollAsksAgain() throws Exception {
        Pop3RawCamelTestSupport.RecordingExceptionHandler errors = new Pop3RawCamelTestSupport.RecordingExceptionHandler();
        context.getRegistry().bind("errors", errors);
        try (FakeTokenEndpoint tokens = FakeTokenEndpoint.start();
                ScriptedPop3Server pop3 = ScriptedPop3Server.builder()
                        .session(s -> s.greeting().expect("CAPA").send(capa())) // no token: the client hangs up
                        .session(s -> s.greeting().expect("CAPA").send(capa()))
                        .session(Pop3RawOAuth2OptionsTest::logsInWithTheAccessTokenAndDeliversTheMessage)
                        .start()) {
            tokens.answer(FakeTokenEndpoint.endless(), FakeTokenEndpoint.trickle(Duration.ofMillis(50)),
                    token(ACCESS_TOKEN, 3600));
            // readTimeout bounds the whole token exchange: the trickling answer is given up after 1 s
            String uri = "pop3raw:127.0.0.1:" + pop3.port() + "?username=" + USER + "&delete=true&tls=none"
                    + "&initialDelay=0&delay=100&readTimeout=1000&exceptionHandler=#errors"
                    + "&oauth2TokenEndpoint=" + tokens.uri() + "&oauth2ClientId=app-1"
                    + "&oauth2ClientSecret=RAW(" + CLIENT_SECRET + ")&oauth2RefreshToken=RAW(" + REFRESH_TOKEN + ")";
            MockEndpoint out = getMockEndpoint("mock:out");
            out.expectedBodiesReceived(List.of(MESSAGE));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri).routeId("misbehaving").convertBodyTo(String.class).to("mock:out");
                }
            });
            out.assertIsSatisfied(20_000);
            pop3.awaitScriptDone(Duration.ofSeconds(10));

            assertEquals(3, tokens.requestCount(), "each failed poll's successor asked again");
            assertTrue(tokens.awaitAnswersCutByClient(2, Duration.ofSeconds(10)), "both bad answers were cut");
            assertEquals(2, errors.failures.size(), "one failed poll per bad answer: " + errors.failures);
            assertTrue(messages(errors.failures.get(0)).contains("the token endpoint " + tokens.uri()
                    + " answered with more than 65536 bytes (HTTP 200)"), messages(errors.failures.get(0)));
            assertTrue(messages(errors.failures.get(1)).contains("the token endpoint " + tokens.uri()
                    + " did not finish its answer within PT1S"), messages(errors.failures.get(1)));
            for (Throwable failure : errors.failures) {
                assertFalse(messages(failure).contains(REFRESH_TOKEN) || messages(failure).contains(CLIENT_SECRET),
                        messages(failure));
            }
        }
    }

    @Test
    void aStoppedEndpointLetsGoOfTheTokenClientAndAfterARestartAsksAgain() throws Exception {
        List<String> before = HttpClientThreads.now();
        try (FakeTokenEndpoint tokens = FakeTokenEndpoint.start()) {
            tokens.answer(token("at-1", 3600), token("at-2", 3600));
            Pop3RawEndpoint endpoint = context.getEndpoint("pop3raw:127.0.0.1:1?username=" + USER + "&delete=true"
                    + "&oauth2TokenEndpoint=" + tokens.uri() + "&oauth2ClientId=app-1"
                    + "&oauth2RefreshToken=RAW(" + REFRESH_TOKEN + ")", Pop3RawEndpoint.class);
            endpoint.start();
            assertEquals("at-1", endpoint.accessTokenProvider().accessToken(USER, false));
            List<String> clientThreads = HttpClientThreads.since(before);
            assertFalse(clientThreads.isEmpty(), "the token request ran on an HTTP client of its own");
            endpoint.stop();
            assertTrue(HttpClientThreads.end(clientThreads, Duration.ofSeconds(10)),
                    "the stopped endpoint's HTTP client threads ended: " + HttpClientThreads.now());
            endpoint.start();
            assertEquals("at-2", endpoint.accessTokenProvider().accessToken(USER, true));
            assertEquals(2, tokens.requestCount());
        }
    }

    @Test
    void theProvidersGiveTheTokenEndpoint() throws Exception {
        assertEquals("OAuth2AccessTokenProvider[client_credentials grant at"
                + " https://login.microsoftonline.com/contoso.example/oauth2/v2.0/token for ClientCredentials[app-1,"
                + " secret ******]]",
                started("oauth2Provider=microsoft&oauth2Tenant=contoso.example&oauth2ClientId=app-1"
                        + "&oauth2ClientSecret=RAW(" + CLIENT_SECRET + ")").toString());
        assertEquals("OAuth2AccessTokenProvider[refresh_token grant at https://oauth2.googleapis.com/token for"
                + " ClientCredentials[app-1, secret ******], stored in InMemoryRefreshTokenStore]",
                started("oauth2Provider=google&oauth2ClientId=app-1&oauth2ClientSecret=RAW(" + CLIENT_SECRET + ")"
                        + "&oauth2RefreshToken=RAW(" + REFRESH_TOKEN + ")").toString());
        assertEquals("OAuth2AccessTokenProvider[refresh_token grant at"
                + " https://login.microsoftonline.com/common/oauth2/v2.0/token for ClientCredentials[app-1, public"
                + " client], stored in FileRefreshTokenStore[" + tmp.resolve("rt") + "]]",
                started("oauth2Provider=microsoft&oauth2ClientId=app-1&oauth2RefreshToken=RAW(" + REFRESH_TOKEN + ")"
                        + "&oauth2RefreshTokenFile=" + tmp.resolve("rt")).toString());
    }

    @Test
    void anAccessTokenProviderBeanWinsOverTheOptions() throws Exception {
        AccessTokenProvider bean = (user, refresh) -> "from-the-bean";
        context.getRegistry().bind("myTokens", bean);
        assertSame(bean, started("accessTokenProvider=#myTokens&oauth2Provider=google&oauth2ClientId=app-1"
                + "&oauth2RefreshToken=RAW(" + REFRESH_TOKEN + ")"));
    }

    static Stream<Arguments> configurationsThatCannotWork() {
        return Stream.of(
                Arguments.of("oauth2Provider=google&oauth2RefreshToken=RAW(" + REFRESH_TOKEN + ")", "oauth2ClientId"),
                Arguments.of("oauth2Provider=yahoo&oauth2ClientId=app-1", "oauth2Provider"),
                Arguments.of("oauth2ClientId=app-1&oauth2RefreshToken=RAW(" + REFRESH_TOKEN + ")",
                        "oauth2TokenEndpoint"),
                Arguments.of("oauth2Provider=google&oauth2ClientId=app-1&oauth2ClientSecret=RAW(" + CLIENT_SECRET + ")",
                        "oauth2RefreshToken"),
                Arguments.of("oauth2Provider=google&oauth2ClientId=app-1&oauth2Grant=refresh_token",
                        "oauth2RefreshToken"),
                Arguments.of("oauth2Provider=microsoft&oauth2ClientId=app-1&oauth2ClientSecret=RAW(" + CLIENT_SECRET
                        + ")", "oauth2Tenant"),
                Arguments.of("oauth2Provider=microsoft&oauth2Tenant=contoso.example&oauth2ClientId=app-1"
                        + "&oauth2Grant=client_credentials", "oauth2ClientSecret"),
                Arguments.of("oauth2TokenEndpoint=http://login.example.com/token&oauth2ClientId=app-1"
                        + "&oauth2RefreshToken=RAW(" + REFRESH_TOKEN + ")", "oauth2TokenEndpoint"),
                Arguments.of("oauth2Provider=microsoft&oauth2ClientId=app-1&oauth2RefreshTokenFile=/nonexistent/rt",
                        "oauth2RefreshTokenFile"));
    }

    @ParameterizedTest
    @MethodSource("configurationsThatCannotWork")
    void aConfigurationThatCannotWorkIsRefusedAtStartNamingTheOption(String options, String option) {
        Exception e = assertThrows(Exception.class, () -> started(options));
        String messages = messages(e);
        assertTrue(messages.contains(option), "no " + option + " in: " + messages);
        assertFalse(messages.contains(REFRESH_TOKEN) || messages.contains(CLIENT_SECRET), messages);
    }

    @Test
    void withoutPasswordOrTokenSourceTheMessageNamesTheOAuth2Options() {
        Exception e = assertThrows(Exception.class, () -> context.getEndpoint(
                "pop3raw:127.0.0.1:1?username=u&delete=true").start());
        assertTrue(messages(e).contains("oauth2Provider, oauth2ClientId"), messages(e));
    }

    /** The endpoint's token provider once it has started (built from its options, or the bean). */
    private AccessTokenProvider started(String options) throws IOException {
        Pop3RawEndpoint endpoint = context.getEndpoint("pop3raw:127.0.0.1:1?username=" + USER + "&delete=true&"
                + options, Pop3RawEndpoint.class);
        endpoint.start();
        return endpoint.accessTokenProvider();
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    private static void logsInWithTheAccessTokenAndDeliversTheMessage(ScriptedPop3Server.Script s) {
        s.greeting()
                .expect("CAPA").send(capa())
                .expect("AUTH XOAUTH2 " + b64("user=" + USER + "\u0001auth=Bearer " + ACCESS_TOKEN + "\u0001\u0001"))
                .send("+OK\r\n")
                .expect("CAPA").send(capa())
                .expect("UIDL").send("+OK\r\n1 uid-1\r\n.\r\n")
                .expect("LIST").send("+OK\r\n1 " + MESSAGE.length() + "\r\n.\r\n")
                .expect("RETR 1").send("+OK\r\n" + MESSAGE + ".\r\n")
                .expect("DELE 1").send("+OK\r\n")
                .expect("QUIT").send("+OK\r\n")
                .expectClose();
    }

    private static String capa() {
        return "+OK\r\nUSER\r\nUIDL\r\nSASL XOAUTH2\r\n.\r\n";
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

}
