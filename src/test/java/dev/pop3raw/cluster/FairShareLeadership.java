package dev.pop3raw.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads a node's namespaces over the cluster with nothing but Camel's cluster SPI ({@link CamelClusterService}):
 * run now and then (every few seconds) on each node, it steps back from the namespaces it leads beyond its fair share
 * ({@code ceil(namespaces / members)}, members: the most participants any of its namespaces' elections has), by
 * stopping and starting the namespace's view ({@link #leave}). The route stops (its {@code ClusteredRoutePolicy}
 * hears that this node no longer leads) and the node joins that election again at the end of the queue, so the next
 * node in it takes over.
 * <p>
 * Why: with camel-zookeeper (Curator's {@code LeaderSelector}, first come first served) the node that starts first
 * leads every namespace, and a node's namespaces all go to the next node in the queues when it dies
 * ({@code ZooKeeperClusterTest} measured 30 of 30 on one node without this). It also puts a node back into an election
 * it has dropped out of (a requeue that came too early, or a session that was lost): a view whose participants lack
 * the node is started again.
 */
final class FairShareLeadership implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(FairShareLeadership.class);

    private final CamelClusterService cluster;

    FairShareLeadership(CamelClusterService cluster) {
        this.cluster = cluster;
    }

    @Override
    public void run() {
        try {
            List<String> namespaces = new ArrayList<>(cluster.getNamespaces());
            namespaces.sort(null);
            int members = 1;
            List<String> led = new ArrayList<>();
            for (String namespace : namespaces) {
                CamelClusterView view = cluster.getView(namespace);
                try {
                    List<CamelClusterMember> participants = view.getMembers();
                    members = Math.max(members, participants.size());
                    if (cluster.isLeader(namespace)) {
                        led.add(namespace);
                    } else if (participants.stream().noneMatch(CamelClusterMember::isLocal)) {
                        LOG.info("Not in the election of {}: joining it again", namespace);
                        restart(namespace);
                    }
                } finally {
                    cluster.releaseView(view);
                }
            }
            int fairShare = (namespaces.size() + members - 1) / members;
            for (String namespace : led.subList(Math.min(fairShare, led.size()), led.size())) {
                LOG.info("Leading {} of {} namespaces with {} members: stepping back from {}", led.size(),
                        namespaces.size(), members, namespace);
                restart(namespace);
            }
        } catch (Exception e) {
            LOG.warn("Balancing the leadership failed: {}", e.toString(), e);
        }
    }

    /** Leaves the namespace's election (and its leadership) and joins it again, at the end of the queue. */
    private void restart(String namespace) throws Exception {
        leave(cluster, namespace);
        Thread.sleep(50);
        cluster.startView(namespace);
    }

    /**
     * Leaves the namespace's election, and its leadership with the routes of its {@code ClusteredRoutePolicy}. Not
     * just {@code stopView}: camel-zookeeper's view announces the change before Curator has given the leadership up,
     * and the policy, which asks the view whether this node leads, keeps its routes running. So: stop the view, wait
     * until the leadership is given up, then start and stop it once more, for an announcement the policy gets right.
     */
    static void leave(CamelClusterService cluster, String namespace) throws Exception {
        cluster.stopView(namespace);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (cluster.isLeader(namespace) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(50);
        cluster.startView(namespace);
        cluster.stopView(namespace);
    }
}
