package dev.pop3raw.camel;

import static dev.pop3raw.camel.Pop3RawCamelTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.camel.Endpoint;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.pop3raw.client.sasl.AccessTokenProvider;
import dev.pop3raw.testing.DovecotServer;
import dev.pop3raw.testing.LogCapture;
import dev.pop3raw.testing.ScriptedPop3Server;

/**
 * No password or token, nor their base64 forms, anywhere a user can see them: all log output at every level with
 * {@code debugLevel=2} (the wire log), the exceptions reported by failing polls (messages and stack traces, causes
 * included), endpoint URIs ({@code getEndpointUri}, {@code toString}) and every JMX attribute of the context.
 * Sessions: USER/PASS and AUTH PLAIN against Dovecot, a refused password, and XOAUTH2 (accepted, then refused twice
 * with a refreshed token) against a scripted server.
 */
class Pop3RawSecretsTest extends CamelTestSupport {

    private static final String USER = "dave";
    private static final String PASSWORD = "Pw-7f3kQ-hunter2";
    private static final String WRONG_PASSWORD = "Wr0ng-9xZ-guess";
    private static final String TOKEN = "ya29.tok-Qz81-bearer";
    private static final String REFRESHED_TOKEN = "ya29.tok-Rr55-refreshed";

    private static DovecotServer dovecot;

    private final Pop3RawCamelTestSupport.RecordingExceptionHandler errors = new Pop3RawCamelTestSupport.RecordingExceptionHandler();

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withEnableJMX();
    }

    @BeforeAll
    static void startDovecot() throws Exception {
        dovecot = DovecotServer.start(DovecotServer.Options.defaults().user(USER, PASSWORD));
    }

    @AfterAll
    static void stopDovecot() {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Each secret, in clear and in every encoding a POP3 session puts it on the wire. */
    private static Map<String, String> forbidden() {
        Map<String, String> f = new LinkedHashMap<>();
        for (String secret : List.of(PASSWORD, WRONG_PASSWORD, TOKEN, REFRESHED_TOKEN)) {
            f.put(secret, secret);
            f.put("base64(" + secret + ")", b64(secret));
        }
        for (String pw : List.of(PASSWORD, WRONG_PASSWORD)) {
            f.put("AUTH PLAIN response with " + pw, b64("\0" + USER + "\0" + pw));
        }
        for (String token : List.of(TOKEN, REFRESHED_TOKEN)) {
            f.put("XOAUTH2 response with " + token,
                    b64("user=" + USER + "\u0001auth=Bearer " + token + "\u0001\u0001"));
        }
        return f;
    }

    private static final List<String> CAMEL_CORE_URI_LOGGERS = List.of(
            "org.apache.camel.component.properties.", "org.apache.camel.impl.engine.DefaultCamelContextExtension",
            "org.apache.camel.impl.engine.AbstractCamelContext", "org.apache.camel.impl.PreconditionHelper",
            "org.apache.camel.support.DefaultComponent", "org.apache.camel.support.EndpointHelper");

    static boolean camelCoreEndpointCreation(String line) {
        if (!line.startsWith("DEBUG ") && !line.startsWith("TRACE ")) {
            return false;
        }
        String logger = line.substring(6);
        return CAMEL_CORE_URI_LOGGERS.stream().anyMatch(logger::startsWith);
    }

    private void run(String id, String uri) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId(id).to("mock:" + id);
            }
        });
    }

    private void stop(String id) throws Exception {
        context.getRouteController().stopRoute(id);
        context.removeRoute(id);
    }

    private String dovecotUri(String options) {
        return "pop3raw:127.0.0.1:" + dovecot.pop3Port() + "?username=" + USER + "&tls=none&debugLevel=2"
                + "&initialDelay=0&delay=100&readTimeout=5000&exceptionHandler=#errors&" + options;
    }

    @Test
    void noSecretInLogsExceptionsUrisOrJmx() throws Exception {
        // as the user guide recommends: secrets as property placeholders, never literally in the route. (Camel core
        // logs route definitions at TRACE with the URI as written, placeholders unresolved.)
        context.getPropertiesComponent().addInitialProperty("mail.password", PASSWORD);
        context.getPropertiesComponent().addInitialProperty("mail.wrong", WRONG_PASSWORD);
        context.getRegistry().bind("errors", errors);
        AccessTokenProvider tokens = (user, forceRefresh) -> forceRefresh ? REFRESHED_TOKEN : TOKEN;
        context.getRegistry().bind("tokens", tokens);
        context.getRegistry().bind("repo", new MemoryIdempotentRepository());
        List<Endpoint> endpoints = new ArrayList<>();
        String caps = "+OK\r\nUSER\r\nUIDL\r\nSASL XOAUTH2\r\n.\r\n";
        try (LogCapture logs = LogCapture.everything();
                ScriptedPop3Server oauth = ScriptedPop3Server.builder()
                        .session(s -> s.greeting()
                                .expect("CAPA").send(caps)
                                .expectLine("AUTH XOAUTH2 <token>", l -> l.startsWith("AUTH XOAUTH2 ")).send("+OK\r\n")
                                .expect("CAPA").send(caps)
                                .expect("UIDL").send("+OK\r\n1 oauth-1\r\n.\r\n")
                                .expect("LIST").send("+OK\r\n1 30\r\n.\r\n")
                                .expect("RETR 1").send("+OK\r\nSubject: over oauth\r\n\r\nhello\r\n.\r\n")
                                .expect("QUIT").send("+OK bye\r\n")
                                .expectClose())
                        .acceptConnections(20, s -> s.greeting()
                                .expect("CAPA").send(caps)
                                .expectLine("AUTH XOAUTH2 <token>", l -> l.startsWith("AUTH XOAUTH2 "))
                                .send("-ERR [AUTH] invalid token\r\n")
                                .expectLine("AUTH XOAUTH2 <refreshed>", l -> l.startsWith("AUTH XOAUTH2 "))
                                .send("-ERR [AUTH] invalid token\r\n")
                                .expectClose())
                        .start()) {

            // USER/PASS, a whole session with a deletion
            dovecot.deliver(USER, "Subject: one\r\n\r\nbody\r\n");
            run("user", dovecotUri("password={{mail.password}}&authMechanism=USER&delete=true"));
            endpoints.add(context.getRoute("user").getEndpoint());
            getMockEndpoint("mock:user").expectedMessageCount(1);
            getMockEndpoint("mock:user").assertIsSatisfied(15_000);
            await(() -> ((Pop3RawEndpoint) endpoints.get(0)).getMessagesDeleted() == 1, "deleted");
            stop("user");

            // AUTH PLAIN
            dovecot.deliver(USER, "Subject: two\r\n\r\nbody\r\n");
            run("plain", dovecotUri("password=RAW({{mail.password}})&authMechanism=PLAIN&idempotentRepository=#repo"));
            endpoints.add(context.getRoute("plain").getEndpoint());
            getMockEndpoint("mock:plain").expectedMessageCount(1);
            getMockEndpoint("mock:plain").assertIsSatisfied(15_000);
            stop("plain");

            // a refused password
            run("wrong", dovecotUri("password={{mail.wrong}}&delete=true"));
            Pop3RawEndpoint wrong = (Pop3RawEndpoint) context.getRoute("wrong").getEndpoint();
            endpoints.add(wrong);
            await(() -> wrong.getPollFailures() >= 1, "the refused login reported");
            assertTrue(wrong.getLastError().contains("[AUTH]"), wrong.getLastError());
            stop("wrong");

            // XOAUTH2: accepted, then refused (the client asks for a refreshed token once)
            run("oauth", "pop3raw:127.0.0.1:" + oauth.port() + "?username=" + USER + "&tls=none&debugLevel=2"
                    + "&authMechanism=XOAUTH2&accessTokenProvider=#tokens&idempotentRepository=#repo"
                    + "&initialDelay=0&delay=100&readTimeout=5000&exceptionHandler=#errors");
            Pop3RawEndpoint oauthEndpoint = (Pop3RawEndpoint) context.getRoute("oauth").getEndpoint();
            endpoints.add(oauthEndpoint);
            getMockEndpoint("mock:oauth").expectedMessageCount(1);
            getMockEndpoint("mock:oauth").assertIsSatisfied(15_000);
            await(() -> oauthEndpoint.getPollFailures() >= 1, "the refused token reported");
            assertTrue(oauth.sessions().get(1).receivedText().contains("AUTH XOAUTH2 " + b64(
                    "user=" + USER + "\u0001auth=Bearer " + REFRESHED_TOKEN + "\u0001\u0001")),
                    "the refreshed token was sent (and so must be hidden too)");
            assertTrue(oauth.sessions().get(0).receivedText().contains(b64(
                    "user=" + USER + "\u0001auth=Bearer " + TOKEN + "\u0001\u0001")));

            // what a user can see: the JMX attributes while the endpoints are still registered
            StringBuilder jmx = new StringBuilder();
            MBeanServer mbeans = context.getManagementStrategy().getManagementAgent().getMBeanServer();
            Set<ObjectName> names = mbeans.queryNames(new ObjectName("org.apache.camel:*"), null);
            int attributes = 0;
            for (ObjectName name : names) {
                jmx.append(name).append('\n');
                for (MBeanAttributeInfo info : mbeans.getMBeanInfo(name).getAttributes()) {
                    if (!info.isReadable()) {
                        continue;
                    }
                    try {
                        jmx.append(name).append(' ').append(info.getName()).append('=')
                                .append(mbeans.getAttribute(name, info.getName())).append('\n');
                        attributes++;
                    } catch (Exception | LinkageError e) {
                        // some attributes cannot be read in a test context; they are not shown to anyone either
                    }
                }
            }
            stop("oauth");
            assertTrue(attributes > 100, "JMX attributes read: " + attributes);

            StringBuilder uris = new StringBuilder();
            for (Endpoint e : endpoints) {
                uris.append(e.getEndpointUri()).append('\n').append(e).append('\n')
                        .append(e.getEndpointBaseUri()).append('\n');
            }
            context.getEndpoints().forEach(e -> uris.append(e.getEndpointUri()).append('\n').append(e).append('\n'));

            StringBuilder exceptions = new StringBuilder();
            for (int i = 0; i < errors.failures.size(); i++) {
                exceptions.append(errors.messages.get(i)).append('\n');
                StringWriter trace = new StringWriter();
                errors.failures.get(i).printStackTrace(new PrintWriter(trace));
                exceptions.append(trace).append('\n');
            }
            assertTrue(errors.failures.size() >= 2, "failures were reported: " + errors.messages);

            // Camel core itself logs the endpoint URI with its placeholders resolved, and resolved property values,
            // at DEBUG/TRACE while it creates an endpoint (these loggers only; not ours to change; the docs say to keep
            // org.apache.camel at INFO in production). Every other line, at every level, is searched: all of
            // dev.pop3raw (the wire log at debugLevel=2 included) and everything at INFO and above.
            String log = String.join("\n", logs.lines().stream().filter(l -> !camelCoreEndpointCreation(l)).toList());
            assertTrue(log.contains("PASS ") && log.contains("AUTH PLAIN") && log.contains("AUTH XOAUTH2"),
                    "the wire log (debugLevel=2) shows the commands, with their secrets removed");
            Map<String, String> where = Map.of("log output", log, "exceptions", exceptions.toString(),
                    "endpoint URIs", uris.toString(), "JMX attributes", jmx.toString());
            List<String> found = new ArrayList<>();
            for (Map.Entry<String, String> place : where.entrySet()) {
                for (Map.Entry<String, String> secret : forbidden().entrySet()) {
                    int at = place.getValue().indexOf(secret.getValue());
                    if (at >= 0) {
                        String around = place.getValue().substring(Math.max(0, at - 120),
                                Math.min(place.getValue().length(), at + secret.getValue().length() + 40));
                        found.add(secret.getKey() + " in " + place.getKey() + ": ..." + around + "...");
                    }
                }
            }
            if (!found.isEmpty()) {
                fail("secrets exposed:\n" + String.join("\n", found));
            }
        }
        dovecot.awaitLog("Login: user=<" + USER + ">, method=PLAIN", Duration.ofSeconds(5));
    }
}
