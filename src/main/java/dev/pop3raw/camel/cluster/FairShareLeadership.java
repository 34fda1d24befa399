package dev.pop3raw.camel.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads a node's namespaces over the cluster with nothing but Camel's cluster SPI ({@link CamelClusterService}). Run
 * every second or so on each node, it steps back from the namespaces it leads beyond its fair share
 * ({@code ceil(namespaces / members)}, members: the most participants any of its namespaces' elections has): it leaves
 * the namespace's election, so its route stops and the next node in the queue takes over, and joins it again at the
 * end of the queue. It also puts the node back into an election it is missing from.
 * <p>
 * Why: with camel-zookeeper (Curator's {@code LeaderSelector}, first come first served) the node started first leads
 * every namespace, and when it dies they all go to the next node ({@code ZooKeeperClusterTest} measured 30 of 30 on one
 * node without this, 10/10/10 with it). Scheduled, for example, as
 * {@code context.getExecutorServiceManager().newSingleThreadScheduledExecutor(context, "fair-share").scheduleWithFixedDelay(new FairShareLeadership(cluster), 1, 1, TimeUnit.SECONDS)}.
 */
public final class FairShareLeadership implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(FairShareLeadership.class);
    /** How long one step of leaving or joining an election may take before the run goes on. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(5);

    private final CamelClusterService cluster;

    public FairShareLeadership(CamelClusterService cluster) {
        this.cluster = cluster;
    }

    @Override
    public void run() {
        try {
            List<String> namespaces = new ArrayList<>(cluster.getNamespaces());
            namespaces.sort(null);
            int members = 1;
            List<String> led = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String namespace : namespaces) {
                List<CamelClusterMember> participants = participants(namespace);
                members = Math.max(members, participants.size());
                if (cluster.isLeader(namespace)) {
                    led.add(namespace);
                } else if (participants.stream().noneMatch(CamelClusterMember::isLocal)) {
                    missing.add(namespace);
                }
            }
            for (String namespace : missing) {
                LOG.info("Not in the election of {}: joining it again", namespace);
                ClusterElections.stepBack(cluster, namespace, STEP_TIMEOUT);
            }
            int fairShare = (namespaces.size() + members - 1) / members;
            for (String namespace : led.subList(Math.min(fairShare, led.size()), led.size())) {
                LOG.info("Leading {} of {} namespaces with {} members: stepping back from {}", led.size(),
                        namespaces.size(), members, namespace);
                ClusterElections.stepBack(cluster, namespace, STEP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Balancing the leadership failed: {}", e.toString(), e);
        }
    }

    private List<CamelClusterMember> participants(String namespace) throws Exception {
        CamelClusterView view = cluster.getView(namespace);
        try {
            return view.getMembers();
        } finally {
            cluster.releaseView(view);
        }
    }
}
