package dev.pop3raw.cluster;

import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.zookeeper.ZooKeeperCuratorConfiguration;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * camel-zookeeper's {@link ZooKeeperClusterService} with a Curator client that keeps the election alive across
 * ZooKeeper server failures (docs/operations.adoc, "ZooKeeper": the tested configuration).
 * <p>
 * Why: the service's own Curator client treats a lost connection (SUSPENDED, e.g. the ZooKeeper server it talks to
 * died, or the quorum elects a new leader) as the end of leadership. Curator then cancels every namespace's
 * {@code LeaderSelector}, which camel-zookeeper 4.18 never requeues; the node leaves every election for good, and when
 * the cancelled leader's leadership event fails to reach the {@code ClusteredRoutePolicy} (the ZooKeeper query inside it
 * fails while disconnected) its routes go on polling beside the node that takes the lock next.
 * {@code ZooKeeperClusterTest#zooKeeperServersKilledTheQuorumLeaderIncludedConsumptionContinues} saw both.
 * <p>
 * Here: {@link SessionConnectionStateErrorPolicy}: only the loss of the session (LOST: its ephemeral lock znodes are
 * gone) ends leadership; a disconnection the session survives does not. And on LOST the node stops every view (the
 * routes stop: they no longer hold a lock: {@code ZooKeeperClusterTest#leaderFrozenPastItsSessionStepsDownOnWakingAndNeverRoutesBesideTheNewLeader})
 * and, once reconnected with a new session, starts them again, meant to rejoin each election at the end of the queue.
 * That last part does not work: the view's {@code LeaderSelector} does not requeue after the lost session (the same
 * test found the node missing from the election's participants), so such a node stands by until restarted.
 */
public final class ZooKeeperLeadership implements ConnectionStateListener {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperLeadership.class);

    private final CamelClusterService cluster;
    private volatile boolean sessionLost;

    public ZooKeeperLeadership(CamelClusterService cluster) {
        this.cluster = cluster;
    }

    /**
     * The cluster service of a node: id {@code id}, ensemble {@code nodes}, namespaces under {@code basePath},
     * session timeout {@code sessionTimeoutMs}. The Curator client is started here and closed with the JVM. Also the
     * factory of the YAML form in docs/operations.adoc (ZooKeeperClusterTest#theDocumentedYamlLeadsOnTheEnsemble).
     */
    public static ZooKeeperClusterService clusterService(String id, String nodes, String basePath,
            int sessionTimeoutMs) {
        CuratorFramework curator = CuratorFrameworkFactory.builder()
                .connectString(nodes)
                .sessionTimeoutMs(sessionTimeoutMs)
                .connectionTimeoutMs(3000)
                .retryPolicy(new ExponentialBackoffRetry(1000, 3))
                .connectionStateErrorPolicy(new SessionConnectionStateErrorPolicy())
                .build();
        ZooKeeperCuratorConfiguration configuration = new ZooKeeperCuratorConfiguration();
        configuration.setNodes(nodes);
        configuration.setBasePath(basePath);
        configuration.setCuratorFramework(curator); // not managed by the service: started here
        ZooKeeperClusterService cluster = new ZooKeeperClusterService(configuration);
        cluster.setId(id);
        curator.getConnectionStateListenable().addListener(new ZooKeeperLeadership(cluster));
        curator.start();
        return cluster;
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState state) {
        try {
            if (state == ConnectionState.LOST) {
                sessionLost = true;
                LOG.warn("ZooKeeper session lost: stepping down in {}", cluster.getNamespaces());
                for (String namespace : cluster.getNamespaces()) {
                    FairShareLeadership.leave(cluster, namespace);
                }
            } else if (state == ConnectionState.RECONNECTED && sessionLost) {
                sessionLost = false;
                LOG.info("ZooKeeper session renewed: rejoining the elections of {}", cluster.getNamespaces());
                for (String namespace : cluster.getNamespaces()) {
                    cluster.startView(namespace);
                }
            }
        } catch (Exception e) {
            LOG.warn("Leadership after ZooKeeper state {} failed: {}", state, e.toString(), e);
        }
    }
}
