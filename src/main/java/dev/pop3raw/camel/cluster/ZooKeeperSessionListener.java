package dev.pop3raw.camel.cluster;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.camel.cluster.CamelClusterService;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps a node down when its ZooKeeper session is lost, and queues it again in every election once the client has a new
 * session. The session's end removed the node's lock nodes: another node may lead already, so this one must stop its
 * routes now and queue again behind it, not wait for a restart.
 * <p>
 * The work runs on {@code worker}, one thread, in the order the states came: Curator delivers every listener's events
 * on one thread, the election's own among them, and the steps here wait for the election to follow.
 */
final class ZooKeeperSessionListener implements ConnectionStateListener {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperSessionListener.class);

    private final CamelClusterService cluster;
    private final Executor worker;
    private final Duration stepTimeout;

    ZooKeeperSessionListener(CamelClusterService cluster, Executor worker, long sessionTimeoutMillis) {
        this.cluster = cluster;
        this.worker = worker;
        // a step waits for lock nodes to come and go: allow a few session timeouts, at least 10 s
        this.stepTimeout = Duration.ofMillis(Math.max(10_000, 3 * sessionTimeoutMillis));
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState state) {
        if (state == ConnectionState.LOST) {
            submit(() -> requeue(client));
        }
    }

    private void requeue(CuratorFramework client) throws Exception {
        LOG.warn("ZooKeeper session lost: stepping down in {} and queueing again", cluster.getNamespaces());
        awaitConnected(client);
        for (String namespace : cluster.getNamespaces()) {
            ClusterElections.requeueAfterLostSession(cluster, namespace, stepTimeout);
        }
        LOG.info("ZooKeeper session renewed: in the elections of {} again", cluster.getNamespaces());
    }

    /** The steps read the elections: wait for a connection first (a lost session comes back with a new one). */
    private void awaitConnected(CuratorFramework client) throws InterruptedException {
        if (!client.blockUntilConnected((int) stepTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("ZooKeeper not connected after {} ms: the elections' steps go on regardless",
                    stepTimeout.toMillis());
        }
    }

    private void submit(Step step) {
        try {
            worker.execute(() -> {
                try {
                    step.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    LOG.warn("Leadership after a lost ZooKeeper session failed: {}", e.toString(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("The cluster service is shutting down: no step after the session's change");
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }
}
