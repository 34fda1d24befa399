package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.List;

import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Configurations that cannot work are refused when the route is added to the running context, with a message naming
 * the option to change: no poll runs, no connection is made (a listening socket on the endpoint's port sees none).
 */
class Pop3RawStartValidationTest extends Pop3RawCamelTestSupport {

    private ServerSocket listener;

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stopListening() throws IOException {
        listener.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"MD5", "CRAM_MD5", "SCRAM-SHA-1", "NTLM", "GSSAPI"})
    void anUnknownAuthMechanismFailsWhenTheRouteStarts(String mechanism) throws Exception {
        String messages = refusedAtStart(uri(listener.getLocalPort(), "delete=true&authMechanism=" + mechanism));
        assertTrue(messages.contains("authMechanism=" + mechanism + " is not supported"), messages);
        assertTrue(messages.contains("CRAM-MD5") && messages.contains("SCRAM-SHA-256"),
                "lists the values: " + messages);
        assertFalse(messages.contains(PASSWORD), messages);
        assertNoConnection();
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "AUTO", "USER", "APOP", "PLAIN", "LOGIN", "CRAM-MD5", "cram-md5", "CRAM-SHA1",
            "CRAM-SHA256", "SCRAM-SHA-256", "XOAUTH2", "OAUTHBEARER"})
    void theValuesUsersWriteStillStart(String mechanism) throws Exception {
        addRoute("pop3raw:127.0.0.1:" + listener.getLocalPort() + "?username=alice&password=RAW(" + PASSWORD
                + ")&delete=true&initialDelay=600000&authMechanism=" + mechanism);
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("pop"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"authMechanism=auto", "authMechanism=USER", "authMechanism=PLAIN"})
    void aPasswordInClearToAHostThatIsNotLoopbackFailsWhenTheRouteStarts(String option) throws Exception {
        String messages = refusedAtStart("pop3raw:pop.example.com?username=alice&password=RAW(" + PASSWORD
                + ")&tls=none&delete=true&" + option);
        assertTrue(messages.contains("tls=none") && messages.contains("allowCleartextAuth"), messages);
        assertFalse(messages.contains(PASSWORD), messages);
    }

    @ParameterizedTest
    @ValueSource(strings = {"delete=true", "delete=true&claims=lease"})
    void initialBacklogSkipWithoutARepositoryFailsWhenTheRouteStarts(String options) throws Exception {
        String messages = refusedAtStart(uri(listener.getLocalPort(), options + "&initialBacklog=skip"));
        assertTrue(messages.contains("initialBacklog=skip") && messages.contains("idempotentRepository"), messages);
        assertNoConnection();
    }

    @org.junit.jupiter.api.Test
    void behindAProxyLoopbackIsNotExempt() {
        String messages = refusedAtStart(uri(listener.getLocalPort(), "tls=none&delete=true&proxyHost=127.0.0.1"));
        assertTrue(messages.contains("through the proxy") && messages.contains("allowCleartextAuth"), messages);
    }

    @ParameterizedTest
    @ValueSource(strings = {"allowCleartextAuth=true", "authMechanism=CRAM-MD5", "authMechanism=APOP",
            "authMechanism=SCRAM-SHA-256", "tls=starttls"})
    void aPasswordThatNeverCrossesInClearStarts(String option) throws Exception {
        String tls = option.startsWith("tls=") ? "" : "tls=none&";
        addRoute("pop3raw:pop.example.com?username=alice&password=RAW(" + PASSWORD + ")&delete=true"
                + "&initialDelay=600000&" + tls + option);
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("pop"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost", "[::1]"})
    void loopbackIsExemptAsInTheClient(String host) throws Exception {
        addRoute("pop3raw:" + host + ":" + listener.getLocalPort() + "?username=alice&password=RAW(" + PASSWORD
                + ")&tls=none&delete=true&initialDelay=600000");
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("pop"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice@pop.example.com", "alice@example.com@pop.example.com:995",
            "alice:" + PASSWORD + "@pop.example.com"})
    void aUserInTheAuthorityFailsWhenTheRouteStartsWithAHintToUseUsername(String authority) {
        String messages = refusedAtStart("pop3raw:" + authority + "?password=RAW(" + PASSWORD + ")&delete=true");
        String user = authority.substring(0, authority.lastIndexOf('@')).split(":")[0];
        assertTrue(messages.contains("?username=" + user), messages);
        assertTrue(messages.contains("no user name in front of the host"), messages);
        // ours only: Camel core's "Failed to create route" quotes the route's URI as written
        assertFalse(ours(messages).contains(PASSWORD), messages);
    }

    // ---------------------------------------------------------------- durations Camel would read as zero by mistake

    @Test
    void theDurationOptionsAreFoundFromTheirMetadata() {
        assertTrue(DurationOptions.NAMES.containsAll(List.of("connectTimeout", "readTimeout", "inUseDelay",
                "confirmedKeyCacheTtl", "claimTimeout", "delay")), DurationOptions.NAMES.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"inUseDelay=garbage", "confirmedKeyCacheTtl=-1d", "readTimeout=5x", "delay=soon",
            "claimTimeout=-5s", "connectTimeout=1.5s", "confirmedKeyCacheTtl=5 seconds"})
    void anUnreadableDurationFailsWhenTheRouteStartsNamingTheOption(String option) throws Exception {
        String messages = refusedAtStart(withOnly(option));
        assertTrue(messages.contains("pop3raw: " + option + " is not a duration"), messages);
        assertNoConnection();
    }

    @ParameterizedTest
    @ValueSource(strings = {"inUseDelay=0", "confirmedKeyCacheTtl=0ms", "inUseDelay=1h30m", "readTimeout=45s",
            "confirmedKeyCacheTtl=90000", "delay=10m", "readTimeout=PT45S"})
    void theDurationsUsersWriteStillStart(String option) throws Exception {
        addRoute(withOnly(option) + "&initialDelay=600000");
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("pop"));
    }

    /** A route to the listener with {@code option} as its only timing option. */
    private String withOnly(String option) {
        return "pop3raw:127.0.0.1:" + listener.getLocalPort() + "?username=alice&password=RAW(" + PASSWORD
                + ")&delete=true&" + option;
    }

    // ---------------------------------------------------------------- deleteAfter (docs/user-guide.adoc, deleteAfter)

    @ParameterizedTest
    @ValueSource(strings = {"0", "0d", "P0D", "PT0S", "-1d", "-P1D", "P-1D"})
    void aZeroOrNegativeDeleteAfterFailsWhenTheRouteStarts(String value) throws Exception {
        String messages = deleteAfterRefused("deleteAfter=" + value + "&idempotentRepository=#repo"
                + "&deleteAfterStateRepository=#state");
        assertTrue(messages.contains("deleteAfter"), messages);
        assertTrue(messages.contains("must be positive") || messages.contains("is not a duration"), messages);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "14", "14 days", "1.5d", "14D", "1h 30m", "P", "99999999999999999999d",
            "P99999D"})
    void anUnreadableDeleteAfterFailsWhenTheRouteStarts(String value) throws Exception {
        String messages = deleteAfterRefused("deleteAfter=" + value + "&idempotentRepository=#repo"
                + "&deleteAfterStateRepository=#state");
        assertTrue(messages.contains("deleteAfter"), messages);
    }

    @Test
    void aDeleteAfterWithoutAUnitFailsWithAHintToWriteOne() throws Exception {
        String messages = deleteAfterRefused(
                "deleteAfter=14&idempotentRepository=#repo&deleteAfterStateRepository=#state");
        assertTrue(messages.contains("deleteAfter=14 has no unit; write 14d for days"), messages);
    }

    @Test
    void anEmptyDeleteAfterFailsWhenTheRouteStarts() throws Exception {
        String messages = deleteAfterRefused(
                "deleteAfter=&idempotentRepository=#repo&deleteAfterStateRepository=#state");
        assertTrue(messages.contains("deleteAfter"), messages);
    }

    @Test
    void deleteAfterBesideDeleteTrueFailsWhenTheRouteStarts() throws Exception {
        String messages = deleteAfterRefused("deleteAfter=14d&delete=true&idempotentRepository=#repo"
                + "&deleteAfterStateRepository=#state");
        assertTrue(messages.contains("deleteAfter and delete=true exclude each other"), messages);
    }

    @Test
    void deleteAfterWithoutAnIdempotentRepositoryFailsWhenTheRouteStarts() throws Exception {
        String messages = deleteAfterRefused("deleteAfter=14d&deleteAfterStateRepository=#state");
        assertTrue(messages.contains("deleteAfter needs an idempotentRepository"), messages);
    }

    @ParameterizedTest
    @ValueSource(strings = {"#repo", "#fileRepo"})
    void deleteAfterWithoutAPlaceForTheTimesFailsWhenTheRouteStarts(String repository) throws Exception {
        String messages = deleteAfterRefused("deleteAfter=14d&idempotentRepository=" + repository);
        assertTrue(messages.contains("deleteAfterStateRepository"), messages);
        assertTrue(messages.contains("JdbcMessageIdRepository"), messages);
    }

    @Test
    void aValidDeleteAfterConfigurationStarts() throws Exception {
        bindDeleteAfterBeans();
        addRoute(uri(listener.getLocalPort(), "deleteAfter=P14D&idempotentRepository=#repo"
                + "&deleteAfterStateRepository=#state&startScheduler=false"));
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("pop"));
    }

    private void bindDeleteAfterBeans() {
        context.getRegistry().bind("repo", MemoryIdempotentRepository.memoryIdempotentRepository());
        context.getRegistry().bind("fileRepo", new FileIdempotentRepository());
        context.getRegistry().bind("state", new MemoryStateRepository());
    }

    /** Refused when the route is added, before any connection; the component's messages. */
    private String deleteAfterRefused(String options) throws IOException {
        bindDeleteAfterBeans();
        String messages = refusedAtStart(uri(listener.getLocalPort(), options));
        assertNoConnection();
        return messages;
    }

    /** The component's own message: the innermost cause's. */
    private static String ours(String messages) {
        String[] chain = messages.split(" \\| ");
        return chain[chain.length - 1];
    }

    private String refusedAtStart(String uri) {
        Exception e = assertThrows(Exception.class, () -> addRoute(uri));
        assertNull(context.getRoute("pop"), "the route was not added");
        return CatalogValidationTest.rootMessages(e);
    }

    private void addRoute(String uri) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop").to("mock:out");
            }
        });
    }

    /** Nobody connected: the failure came before any poll. */
    private void assertNoConnection() throws IOException {
        listener.setSoTimeout(300);
        assertThrows(SocketTimeoutException.class, listener::accept, "a poll connected");
    }
}
