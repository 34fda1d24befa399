package dev.pop3raw.camel;

import static dev.pop3raw.camel.Pop3RawCamelTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pop3raw.testing.FaultyProxy;
import dev.pop3raw.testing.ScriptedLogin;
import dev.pop3raw.testing.ScriptedPop3Server;

/**
 * Hundreds of failing polls (nothing listening, a proxy that refuses at connect, an {@code -ERR} greeting, a refused
 * login, a server that stalls until the read timeout) must not leave threads or sockets behind: the consumer's live
 * thread count and the JVM's open file descriptors return to where they were, and every scripted server session
 * sees the client close its connection.
 */
class Pop3RawConsumerLeakTest extends CamelTestSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3RawConsumerLeakTest.class);
    /** Threads of the test servers in this JVM are not the consumer's. */
    private static final Set<String> SERVER_THREADS = Set.of("scripted-pop3", "faulty-proxy");

    private final Pop3RawCamelTestSupport.RecordingExceptionHandler errors = new Pop3RawCamelTestSupport.RecordingExceptionHandler();
    private int routeCounter;

    private static int liveThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && SERVER_THREADS.stream().noneMatch(t.getName()::startsWith)).count();
    }

    private static int openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Runs a route against {@code port} until {@code polls} reaches {@code count}, then stops and removes it. */
    private int[] failingPolls(int port, String options, IntSupplier polls, int count) throws Exception {
        String id = "leak" + routeCounter++;
        String uri = "pop3raw:127.0.0.1:" + port + "?username=leaky&password=RAW(leak-pw)&delete=true&tls=none"
                + "&initialDelay=0&delay=2&connectTimeout=1000&exceptionHandler=#errors"
                + (options.contains("readTimeout=") ? "" : "&readTimeout=2000")
                + (options.isEmpty() ? "" : "&" + options);
        int failuresBefore = errors.failures.size();
        int[] maxThreads = {0};
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId(id).to("mock:never");
            }
        });
        long end = System.currentTimeMillis() + 60_000;
        while (polls.getAsInt() < count && System.currentTimeMillis() < end) {
            maxThreads[0] = Math.max(maxThreads[0], liveThreads());
            Thread.sleep(20);
        }
        context.getRouteController().stopRoute(id);
        context.removeRoute(id);
        assertTrue(polls.getAsInt() >= count, id + ": only " + polls.getAsInt() + " polls");
        assertTrue(errors.failures.size() - failuresBefore >= count - 2, id + ": every failing poll reported");
        return maxThreads;
    }

    /** Every connection the server accepted was closed by the client (sessions not yet connected are spare). */
    private static void assertClientClosedAll(ScriptedPop3Server server) throws InterruptedException {
        int accepted = server.connectionCount();
        long end = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < end
                && !server.sessions().subList(0, accepted).stream()
                        .allMatch(ScriptedPop3Server.Session::clientClosed)) {
            Thread.sleep(50);
        }
        List<ScriptedPop3Server.Session> open = server.sessions().subList(0, accepted).stream()
                .filter(s -> !s.clientClosed()).toList();
        if (!open.isEmpty()) {
            fail("the client did not close " + open.size() + " of " + accepted + " connections: " + open);
        }
    }

    @Test
    void hundredsOfFailingPollsLeakNoThreadAndNoSocket() throws Exception {
        context.getRegistry().bind("errors", errors);
        int closedPort = ScriptedPop3Server.unusedPort();
        // warm-up: Camel creates some threads and classes lazily
        failingPolls(closedPort, "", () -> errors.failures.size(), 30);
        Thread.sleep(300);
        int threadsBefore = liveThreads();
        int fdsBefore = openFds();
        long started = System.nanoTime();
        int maxThreads = 0;

        // nothing listening: connection refused
        int base = errors.failures.size();
        maxThreads = Math.max(maxThreads, failingPolls(closedPort, "", () -> errors.failures.size() - base, 200)[0]);

        // a proxy that accepts and closes at once (EOF before the greeting)
        try (FaultyProxy proxy = FaultyProxy.start("127.0.0.1", closedPort).planner(i -> FaultyProxy.Plan.REFUSE)) {
            maxThreads = Math.max(maxThreads, failingPolls(proxy.port(), "", proxy::connectionCount, 200)[0]);
            await(() -> proxy.openConnections() == 0, "every proxied connection closed");
        }

        // -ERR greeting; the server waits for the client to close
        try (ScriptedPop3Server server = ScriptedPop3Server.builder()
                .acceptConnections(400, s -> s.send("-ERR [SYS/TEMP] overloaded\r\n").expectClose()).start()) {
            maxThreads = Math.max(maxThreads, failingPolls(server.port(), "", server::connectionCount, 150)[0]);
            assertClientClosedAll(server);
        }

        // a refused login
        try (ScriptedPop3Server server = ScriptedPop3Server.builder()
                .acceptConnections(400, s -> ScriptedLogin.greetingAndCapa(s, ScriptedLogin.CAPA_LOCKSTEP)
                        .expect("USER leaky").send("+OK\r\n")
                        .expectLine(l -> l.startsWith("PASS ")).send("-ERR [AUTH] invalid credentials\r\n")
                        .expectClose())
                .start()) {
            maxThreads = Math.max(maxThreads, failingPolls(server.port(), "", server::connectionCount, 150)[0]);
            assertClientClosedAll(server);
        }

        // a server that stops answering after the greeting: the read timeout ends each session
        try (ScriptedPop3Server server = ScriptedPop3Server.builder()
                .acceptConnections(100, s -> s.greeting().expect("CAPA").stall()).start()) {
            maxThreads = Math.max(maxThreads,
                    failingPolls(server.port(), "readTimeout=150", server::connectionCount, 20)[0]);
            assertClientClosedAll(server);
        }

        Thread.sleep(300);
        int threadsAfter = liveThreads();
        int fdsAfter = openFds();
        LOG.info("leak check: {} failing polls in {} ms; threads {} -> {} (max {} while polling), fds {} -> {}",
                errors.failures.size(), (System.nanoTime() - started) / 1_000_000, threadsBefore, threadsAfter,
                maxThreads, fdsBefore, fdsAfter);
        assertTrue(threadsAfter <= threadsBefore + 2, "threads " + threadsBefore + " -> " + threadsAfter);
        assertTrue(maxThreads <= threadsBefore + 6, "threads while polling: " + maxThreads + " (before " + threadsBefore
                + ")");
        if (Files.isDirectory(Path.of("/proc/self/fd"))) {
            // where descriptors can be counted (Linux, CI) they must have been: a skipped check proves nothing
            assertTrue(fdsBefore >= 0 && fdsAfter >= 0, "open file descriptors not counted");
        }
        if (fdsBefore >= 0) {
            assertTrue(fdsAfter <= fdsBefore + 5, "open file descriptors " + fdsBefore + " -> " + fdsAfter);
        }
    }
}
