package dev.pop3raw.camel.cluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaving and joining one namespace's election with nothing but Camel's cluster SPI ({@code stopView}, {@code startView},
 * {@code isLeader}, the view's members), shaped by how camel-zookeeper's view drives Curator's {@code LeaderSelector}:
 * <ul>
 * <li>The view announces the end of a leadership before Curator has given it up; {@code ClusteredRoutePolicy} then asks
 * the view whether this node leads, hears "yes", and keeps its routes running. A stop of the view once the leadership
 * is given up announces it again, and the policy reads it right.</li>
 * <li>{@code startView} queues an election attempt ({@code requeue()}), {@code stopView} cancels the current one. An
 * attempt cancelled before Curator's single election thread has begun it never runs and never clears the selector's
 * "queued" flag, and every later {@code requeue()} does nothing: the node is out of that election for good. So a stop
 * follows a start only once the attempt has begun (this node's lock node is in the election), and after a lost
 * session, where the old attempt releases slowly, a start is not followed by a stop at all.</li>
 * </ul>
 * The steps of one cluster service (the balancer's, the session listener's) never interleave.
 */
final class ClusterElections {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterElections.class);
    private static final long POLL_MS = 20;

    private ClusterElections() {
    }

    /** Whether this node has a place in the namespace's election (a lock node of its id); false when unreadable. */
    static boolean participates(CamelClusterService cluster, String namespace) {
        try {
            CamelClusterView view = cluster.getView(namespace);
            try {
                return view.getMembers().stream().anyMatch(CamelClusterMember::isLocal);
            } finally {
                cluster.releaseView(view);
            }
        } catch (Exception e) {
            LOG.debug("The election of {} cannot be read: {}", namespace, e.toString());
            return false;
        }
    }

    /**
     * After a lost session: Curator has cancelled (or is cancelling) the leadership of the old session and does not
     * queue again by itself. Waits until the leadership is given up, stops the view (an announcement the routes'
     * policy reads right: its routes stop) and starts it again (this node queues behind the leader the ensemble has
     * now), then checks that it is in the election.
     */
    static void requeueAfterLostSession(CamelClusterService cluster, String namespace, Duration timeout)
            throws Exception {
        synchronized (cluster) {
            await(() -> !cluster.isLeader(namespace), timeout, "the lost session's leadership of " + namespace
                    + " given up");
            cluster.stopView(namespace);
            cluster.startView(namespace);
            if (!await(() -> participates(cluster, namespace), timeout, "this node in the election of " + namespace)) {
                LOG.warn("Not in the election of {} after a lost ZooKeeper session: restart this node", namespace);
            }
        }
    }

    /**
     * Leaves the namespace's election and its leadership (the routes of its {@code ClusteredRoutePolicy} stop) and
     * joins it again at the end of the queue: stop the view, wait until the leadership is given up, then start and stop
     * it once more, for an announcement the policy reads right, and start it.
     */
    static void stepBack(CamelClusterService cluster, String namespace, Duration timeout) throws Exception {
        synchronized (cluster) {
            cluster.stopView(namespace);
            await(() -> !cluster.isLeader(namespace), timeout, "the leadership of " + namespace + " given up");
            Thread.sleep(50); // the cancelled attempt releases its lock node
            cluster.startView(namespace);
            // the attempt must have begun (its lock node is there) before it is cancelled: see the class comment
            await(() -> participates(cluster, namespace), timeout, "this node back in the election of " + namespace);
            cluster.stopView(namespace);
            Thread.sleep(50);
            cluster.startView(namespace);
        }
    }

    /** Waits until {@code done}; past {@code timeout} logs what it waited for and returns false. */
    private static boolean await(BooleanSupplier done, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                LOG.warn("Waited {} ms for {}: going on", timeout.toMillis(), what);
                return false;
            }
            Thread.sleep(POLL_MS);
        }
        return true;
    }
}
