package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.Test;

/**
 * Two consumers in one JVM sharing a repository with claims=lease, on one GreenMail mailbox (concurrent sessions): the
 * lease is renewed while a route runs for five lease periods, so the other consumer, polling all along, never takes
 * the message. Without renewal the lease would lapse after one to two periods. The same on two JVMs and PostgreSQL,
 * and a killed holder: ClusterFailoverTest.
 */
class Pop3RawLeaseTest extends Pop3RawTestSupport {

    private static final long LEASE_MS = 300;

    @Test
    void aRouteRunningFiveLeasePeriodsKeepsItsLeaseAgainstAnotherConsumer() throws Exception {
        MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
        context.getRegistry().bind("repo", repo);
        deliver(mail("long", "a route that takes five lease periods"));
        String uidl = listing().get(0).uidl();
        List<String> routedBy = new CopyOnWriteArrayList<>();
        Map<String, Long> leasePeriodsSeen = new ConcurrentHashMap<>();
        String options = "idempotentRepository=#repo&claims=lease&claimTimeout=" + LEASE_MS;
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                for (String node : List.of("a", "b")) {
                    // the URIs differ (pipelineWindow) so that each route has an endpoint and a consumer of its own
                    from(uri(options + "&pipelineWindow=" + (node.equals("a") ? 31 : 32))).routeId(node).process(e -> {
                        routedBy.add(node);
                        long end = System.currentTimeMillis() + 5 * LEASE_MS;
                        while (System.currentTimeMillis() < end) {
                            String prefix = "alice@127.0.0.1:" + port + "/" + uidl + "#claim-";
                            long period = System.currentTimeMillis() / LEASE_MS;
                            for (long p = period - 1; p <= period; p++) {
                                if (repo.contains(prefix + p)) {
                                    leasePeriodsSeen.put(Long.toString(p), p);
                                }
                            }
                            Thread.sleep(20);
                        }
                    });
                }
            }
        });
        await(() -> repo.contains("alice@127.0.0.1:" + port + "/" + uidl), "processed");
        long polls = polls("a") + polls("b");
        await(() -> polls("a") + polls("b") >= polls + 6, "more polls of both");
        assertEquals(1, routedBy.size(), "routed once, by " + routedBy);
        assertTrue(leasePeriodsSeen.size() >= 4, "the lease moved on with the periods: " + leasePeriodsSeen.keySet());
        assertEquals(1, repo.getCacheSize(), "only the processed key is left");
    }

    private long polls(String route) {
        return ((Pop3RawEndpoint) context.getRoute(route).getEndpoint()).getPolls();
    }
}
