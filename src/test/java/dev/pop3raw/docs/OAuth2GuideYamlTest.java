package dev.pop3raw.docs;

import static dev.pop3raw.testing.FakeTokenEndpoint.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.pop3raw.testing.FakeTokenEndpoint;
import dev.pop3raw.testing.ScriptedPop3Server;
import dev.pop3raw.testing.TestTls;

/**
 * The YAML routes of the user guide's OAuth2 sections run as printed. Each route and its properties block are read
 * from docs/user-guide.adoc (by their block anchors) and run with camel-main and camel-yaml-dsl against a scripted
 * POP3 server on loopback with implicit TLS, which checks the XOAUTH2 exchange, and a fake token endpoint, which
 * checks the token request's form. Overridden, and nothing else: the host and port properties (the local server), the
 * token endpoint (component option oauth2TokenEndpoint, replacing the provider's), the trust of the test CA
 * (component option sslContextParameters), and the paths of files written (into a temp directory). The example files
 * in examples/yaml must contain the guide's text, so the two cannot drift apart.
 */
class OAuth2GuideYamlTest {

    private static final Path GUIDE = Path.of("docs/user-guide.adoc");
    private static final String MESSAGE = "Subject: from the guide\r\nFrom: x@example.com\r\n\r\nhello\r\n";
    private static final String ACCESS_TOKEN = "at-Guide-5Tn";

    @TempDir
    Path tmp;

    static Stream<Arguments> guideRoutes() {
        return Stream.of(
                Arguments.of("oauth2-m365-yaml", "oauth2-m365-properties", "m365",
                        "examples/yaml/oauth2-microsoft365.camel.yaml",
                        Map.of("grant_type", "refresh_token", "client_id", "00000000-0000-0000-0000-000000000000",
                                "refresh_token", "set-me",
                                "scope", "https://outlook.office.com/POP.AccessAsUser.All offline_access")),
                Arguments.of("oauth2-m365-app-yaml", "oauth2-m365-app-properties", "m365", null,
                        Map.of("grant_type", "client_credentials", "client_id", "00000000-0000-0000-0000-000000000000",
                                "client_secret", "set-me", "scope", "https://outlook.office365.com/.default")),
                Arguments.of("oauth2-gmail-yaml", "oauth2-gmail-properties", "gmail",
                        "examples/yaml/oauth2-gmail.camel.yaml",
                        Map.of("grant_type", "refresh_token", "client_id", "set-me.apps.googleusercontent.com",
                                "client_secret", "set-me", "refresh_token", "set-me")));
    }

    @ParameterizedTest
    @MethodSource("guideRoutes")
    void theGuidesYamlLogsInWithATokenFromTheTokenEndpointAndDeliversTheMessage(
            String yamlAnchor, String propertiesAnchor, String prefix, String exampleFile, Map<String, String> form)
            throws Exception {
        String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);
        String yaml = block(guide, yamlAnchor);
        Properties properties = new Properties();
        properties.load(new StringReader(block(guide, propertiesAnchor)));
        String user = properties.getProperty(prefix + ".user");
        Path route = Files.writeString(tmp.resolve("route.camel.yaml"), yaml);
        Path inbox = tmp.resolve("inbox");

        try (FakeTokenEndpoint tokens = FakeTokenEndpoint.start().answer(token(ACCESS_TOKEN, 3600));
                ScriptedPop3Server pop3 = ScriptedPop3Server.builder()
                        .implicitTls(TestTls.localhost().serverContext())
                        .session(s -> s.greeting()
                                .expect("CAPA").send(capa())
                                .expect("AUTH XOAUTH2 " + b64("user=" + user + "\u0001auth=Bearer " + ACCESS_TOKEN
                                        + "\u0001\u0001"))
                                .send("+OK\r\n")
                                .expect("CAPA").send(capa())
                                .expect("UIDL").send("+OK\r\n1 guide-1\r\n.\r\n")
                                .expect("LIST").send("+OK\r\n1 " + MESSAGE.length() + "\r\n.\r\n")
                                .expect("RETR 1").send("+OK\r\n" + MESSAGE + ".\r\n")
                                .expect("QUIT").send("+OK\r\n")
                                .expectClose())
                        .start()) {
            Main main = new Main();
            properties.forEach((k, v) -> main.addInitialProperty((String) k, (String) v));
            main.addOverrideProperty(prefix + ".host", "127.0.0.1");
            main.addOverrideProperty(prefix + ".port", String.valueOf(pop3.port()));
            main.addOverrideProperty("camel.component.pop3raw.configuration.oauth2-token-endpoint", tokens.uri());
            main.addOverrideProperty("camel.component.pop3raw.configuration.ssl-context-parameters", "#testTls");
            main.bind("testTls", trusting(TestTls.localhost().clientContext()));
            main.addOverrideProperty("pop3.seen-file", tmp.resolve("seen.txt").toString());
            main.addOverrideProperty("mail.output", inbox.toString());
            main.addOverrideProperty(prefix + ".refresh-token-file", tmp.resolve("refresh-token").toString());
            main.addOverrideProperty("camel.main.routes-include-pattern", "file:" + route);
            main.start();
            try {
                pop3.awaitScriptDone(Duration.ofSeconds(30));
            } finally {
                main.stop();
            }
            assertEquals(List.of(form), tokens.requests());
            assertEquals(List.of(), tokens.problems());
        }
        // the guide names files <mailbox>/<uidl>.eml (a UIDL is unique per mailbox only)
        try (Stream<Path> files = Files.walk(inbox)) {
            List<Path> written = files.filter(Files::isRegularFile).toList();
            assertEquals(1, written.size(), written.toString());
            assertEquals(inbox, written.get(0).getParent().getParent(), "in a folder per mailbox: " + written);
            assertEquals(1, written.size(), written.toString());
            assertEquals(MESSAGE, Files.readString(written.get(0), StandardCharsets.UTF_8));
        }
        if (exampleFile != null) {
            assertTrue(Files.readString(Path.of(exampleFile), StandardCharsets.UTF_8).contains(yaml),
                    exampleFile + " does not contain the guide's route " + yamlAnchor);
        }
    }

    /** The listing block after the line {@code [[anchor]]}: the text between its two {@code ----} lines. */
    static String block(String adoc, String anchor) {
        int at = adoc.indexOf("[[" + anchor + "]]\n");
        assertTrue(at >= 0, "no block [[" + anchor + "]] in " + GUIDE);
        int open = adoc.indexOf("\n----\n", at);
        int close = adoc.indexOf("\n----\n", open + 1);
        return adoc.substring(open + "\n----\n".length(), close + 1);
    }

    /** TLS parameters that trust the test CA only, as a user's truststore would trust the real one. */
    private static SSLContextParameters trusting(SSLContext context) {
        return new SSLContextParameters() {
            @Override
            public SSLContext createSSLContext(CamelContext camelContext) {
                return context;
            }
        };
    }

    private static String capa() {
        return "+OK\r\nUSER\r\nUIDL\r\nSASL PLAIN XOAUTH2\r\n.\r\n";
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

}
