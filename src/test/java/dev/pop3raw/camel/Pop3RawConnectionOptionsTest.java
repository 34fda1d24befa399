package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pop3raw.client.Pop3SecurityException;
import dev.pop3raw.testing.ScriptedLogin;
import dev.pop3raw.testing.ScriptedPop3Server;
import dev.pop3raw.testing.Socks5Proxy;
import dev.pop3raw.testing.TestTls;

/**
 * The client's connection options as endpoint options: proxyHost/proxyPort (SOCKS), pinnedCertificateSha256 and
 * hostnameVerification, each against a scripted server that plays a whole session.
 */
class Pop3RawConnectionOptionsTest extends Pop3RawCamelTestSupport {

    private static final String MESSAGE = "Subject: hello\r\nFrom: x@example.com\r\n\r\nbody\r\n";

    @TempDir
    Path tmp;

    /** A whole session that retrieves and deletes one message. */
    private static ScriptedPop3Server.Script oneMessage(ScriptedPop3Server.Script s) {
        return ScriptedLogin.loggedIn(s, USER, PASSWORD, ScriptedLogin.CAPA_LOCKSTEP)
                .expect("UIDL").send("+OK\r\n1 u1\r\n.\r\n")
                .expect("LIST").send("+OK\r\n1 " + MESSAGE.length() + "\r\n.\r\n")
                .expect("RETR 1").send("+OK\r\n" + MESSAGE + ".\r\n")
                .expect("DELE 1").send("+OK\r\n")
                .expect("QUIT").send("+OK\r\n");
    }

    @Test
    void aRouteWithProxyHostConnectsThroughTheSocksProxy() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(Pop3RawConnectionOptionsTest::oneMessage);
                Socks5Proxy proxy = new Socks5Proxy()) {
            MockEndpoint out = getMockEndpoint("mock:out");
            out.expectedBodiesReceived(List.of(MESSAGE)); // not the String... overload: new in Camel 4.22
            // behind a proxy the server's address is unknown: loopback needs allowCleartextAuth like any host
            route(uri(server.port(), "tls=none&allowCleartextAuth=true&delete=true&proxyHost=127.0.0.1"
                    + "&proxyPort=" + proxy.port()));
            out.assertIsSatisfied(10_000);
            server.awaitScriptDone(Duration.ofSeconds(10));
            assertEquals(List.of("127.0.0.1:" + server.port()), proxy.destinations(), "the proxy saw the connection");
        }
    }

    @Test
    void aMatchingPinLogsIn() throws Exception {
        TestTls tls = TestTls.localhost();
        try (ScriptedPop3Server server = ScriptedPop3Server.builder().implicitTls(tls.serverContext())
                .session(Pop3RawConnectionOptionsTest::oneMessage).start()) {
            context.getRegistry().bind("tls", trusting(tls));
            MockEndpoint out = getMockEndpoint("mock:out");
            out.expectedBodiesReceived(List.of(MESSAGE)); // not the String... overload: new in Camel 4.22
            // the form openssl prints: upper case with colons
            String pin = HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256(tls));
            route(uri(server.port(), "tls=implicit&sslContextParameters=#tls&delete=true"
                    + "&pinnedCertificateSha256=" + pin));
            out.assertIsSatisfied(10_000);
            server.awaitScriptDone(Duration.ofSeconds(10));
        }
    }

    @Test
    void aPinThatDoesNotMatchFailsThePollBeforeLoginNamingTheOption() throws Exception {
        TestTls tls = TestTls.localhost();
        try (ScriptedPop3Server server = ScriptedPop3Server.builder().implicitTls(tls.serverContext())
                .everyConnection(s -> s.greeting().expectClose()).start()) {
            context.getRegistry().bind("tls", trusting(tls));
            byte[] other = sha256(tls);
            other[0] ^= 1;
            route(uri(server.port(), "tls=implicit&sslContextParameters=#tls&delete=true"
                    + "&pinnedCertificateSha256=" + HexFormat.of().formatHex(other)));
            await(() -> !errors.failures.isEmpty(), "the poll failed");
            Throwable failure = errors.failures.get(0);
            assertTrue(failure instanceof Pop3SecurityException, String.valueOf(failure));
            assertTrue(failure.getMessage().contains("does not match pinnedCertificateSha256"), failure.getMessage());
            assertEquals("", server.receivedText(), "nothing sent after the handshake");
        }
    }

    @Test
    void withHostnameVerificationOffACertificateForAnotherNameIsAccepted() throws Exception {
        TestTls wrongHost = TestTls.wrongHost();
        try (ScriptedPop3Server server = ScriptedPop3Server.builder().implicitTls(wrongHost.serverContext())
                .session(Pop3RawConnectionOptionsTest::oneMessage).start()) {
            context.getRegistry().bind("tls", trusting(wrongHost));
            MockEndpoint out = getMockEndpoint("mock:out");
            out.expectedBodiesReceived(List.of(MESSAGE)); // not the String... overload: new in Camel 4.22
            route(uri(server.port(), "tls=implicit&sslContextParameters=#tls&delete=true"
                    + "&hostnameVerification=false"));
            out.assertIsSatisfied(10_000);
            server.awaitScriptDone(Duration.ofSeconds(10));
        }
    }

    @Test
    void byDefaultACertificateForAnotherNameIsRefused() throws Exception {
        TestTls wrongHost = TestTls.wrongHost();
        try (ScriptedPop3Server server = ScriptedPop3Server.builder().implicitTls(wrongHost.serverContext())
                .everyConnection(s -> s.greeting().expectClose()).start()) {
            context.getRegistry().bind("tls", trusting(wrongHost));
            route(uri(server.port(), "tls=implicit&sslContextParameters=#tls&delete=true"));
            await(() -> !errors.failures.isEmpty(), "the poll failed");
            Throwable failure = errors.failures.get(0);
            assertTrue(failure instanceof Pop3SecurityException, String.valueOf(failure));
            assertTrue(failure.getMessage().toLowerCase(Locale.ROOT).contains("handshake"), failure.getMessage());
            assertEquals(0, getMockEndpoint("mock:out").getReceivedCounter());
        }
    }

    private void route(String uri) throws Exception {
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri + "&exceptionHandler=#errors").routeId("pop").convertBodyTo(String.class).to("mock:out");
            }
        });
    }

    private static byte[] sha256(TestTls tls) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(tls.serverCertificate().getEncoded());
    }

    /** Trusts the test CA of {@code tls} only, as a user would configure it: a PKCS12 trust store file. */
    private SSLContextParameters trusting(TestTls tls) throws Exception {
        return TestTls.trustStoreFile(tmp.resolve("trust-" + System.nanoTime() + ".p12"), tls.caCertificate());
    }
}
