package dev.pop3raw.testing;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The threads of the JDK's HTTP clients in this JVM ({@code HttpClient-<id>-SelectorManager} and
 * {@code HttpClient-<id>-Worker-<n>}), for tests that the token endpoint's client keeps a bounded number and lets
 * them end when it is closed. Other tests' clients live on until they are garbage collected: compare with a
 * {@link #now()} taken before.
 */
public final class HttpClientThreads {

    private HttpClientThreads() {
    }

    /** The names of the live HTTP client threads, sorted. */
    public static List<String> now() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("HttpClient-")).sorted().toList();
    }

    /** The live HTTP client threads that are not in {@code before}. */
    public static List<String> since(Collection<String> before) {
        Set<String> old = Set.copyOf(before);
        return now().stream().filter(n -> !old.contains(n)).toList();
    }

    /**
     * Whether the threads named {@code names} end within the time. On Java 17 a released HttpClient stops its threads
     * once it is garbage collected (its selector looks every 3 s), so this asks for collections while it waits.
     */
    public static boolean end(Collection<String> names, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (now().stream().anyMatch(names::contains) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        return now().stream().noneMatch(names::contains);
    }
}
