package dev.pop3raw.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.ScriptedPop3Server;

/**
 * Hundreds of failing sessions leave nothing behind: no client thread, no open socket (the server sees every
 * client close; on Linux the JVM's file descriptor count returns to where it was).
 */
class SessionLeakTest {

    private static final int ROUNDS = 100; // x 3 kinds of failure

    private static long openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    @Test
    void failingSessionsLeakNeitherThreadsNorSockets() throws Exception {
        // a generous timeout where the server answers (a loaded CI machine can be slow to schedule it), a short one
        // where the test wants the timeout
        Pop3ClientOptions options = Pop3ClientOptions.builder().tlsMode(TlsMode.NONE)
                .readTimeout(Duration.ofSeconds(5)).build();
        Pop3ClientOptions impatient = options.toBuilder().readTimeout(Duration.ofMillis(50)).build();
        int threadsBefore = Thread.activeCount();
        long fdsBefore = openFileDescriptors();
        long start = System.nanoTime();
        ScriptedPop3Server.Builder builder = ScriptedPop3Server.builder();
        for (int i = 0; i < ROUNDS; i++) {
            builder.session(s -> s.greeting().expect("CAPA").send("+OK\r\nUSER\r\n.\r\n").expect("STAT").hangUp())
                    .session(s -> s.send("-ERR [SYS/TEMP] too many connections\r\n"))
                    .session(s -> s.send("+OK hello\r\n").stall()); // CAPA times out after 50 ms
        }
        try (ScriptedPop3Server server = builder.start()) {
            for (int i = 0; i < ROUNDS; i++) {
                try (Pop3Client pop = Pop3Client.connect(server.host(), server.port(), options)) {
                    assertInstanceOf(Pop3ConnectionClosedException.class, fail(pop::stat));
                }
                assertInstanceOf(Pop3ErrorResponseException.class,
                        fail(() -> Pop3Client.connect(server.host(), server.port(), options)));
                assertInstanceOf(Pop3TimeoutException.class,
                        fail(() -> Pop3Client.connect(server.host(), server.port(), impatient)));
            }
            // the hang-up sessions are closed by the server first; the client's close is seen on the others
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            for (int i = 0; i < ROUNDS * 3; i++) {
                if (i % 3 == 0) {
                    continue;
                }
                while (!server.session(i).clientClosed() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(server.session(i).clientClosed(), "session " + i + ": the client did not close");
            }
            assertEquals(ROUNDS * 3, server.connectionCount());
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println(ROUNDS * 3 + " failing sessions in " + ms + " ms");
        // the server's session threads are joined by close(); the client starts none
        assertTrue(Thread.activeCount() <= threadsBefore + 2,
                "threads " + threadsBefore + " -> " + Thread.activeCount());
        long fdsAfter = openFileDescriptors();
        assertTrue(fdsAfter <= fdsBefore + 5, "file descriptors " + fdsBefore + " -> " + fdsAfter);
    }

    private interface Call {
        Object run() throws IOException;
    }

    private static IOException fail(Call call) {
        try {
            Object result = call.run();
            if (result instanceof Pop3Client pop) {
                pop.close();
            }
            throw new AssertionError("no failure");
        } catch (IOException e) {
            return e;
        }
    }
}
