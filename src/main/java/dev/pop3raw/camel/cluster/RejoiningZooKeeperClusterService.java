package dev.pop3raw.camel.cluster;

import java.util.concurrent.ExecutorService;

import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.zookeeper.ZooKeeperCuratorConfiguration;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * camel-zookeeper's {@link ZooKeeperClusterService}, configured the same way (nodes, basePath, sessionTimeout, ...),
 * whose elections survive ZooKeeper server failures and are joined again after a lost session (docs/operations.adoc,
 * "ZooKeeper"). Needs camel-zookeeper on the class path (an optional dependency of this component).
 * <p>
 * Why not the service as it comes (camel-zookeeper 4.18, Curator 5.9), as {@code ZooKeeperClusterTest} found:
 * <ul>
 * <li>Its Curator client ends leadership on any lost connection (the ZooKeeper server it talks to died, the quorum
 * elects a new leader), even when the session survives; Curator then cancels every election of the node, which the
 * service never joins again, and when the leadership's end fails to reach the {@code ClusteredRoutePolicy} its routes
 * go on polling beside the next leader's. Here the client has Curator's {@link SessionConnectionStateErrorPolicy}: only a
 * lost session (its lock nodes are gone) ends leadership.</li>
 * <li>After a lost session (a pause longer than the session timeout) a node leaves its elections for good. Here
 * {@link ZooKeeperSessionListener} steps the node down and joins every election again on the new session.</li>
 * </ul>
 * The service owns its Curator client: it builds and starts it on first use, and closes it when it shuts down.
 */
public class RejoiningZooKeeperClusterService extends ZooKeeperClusterService {

    private CuratorFramework curator;
    private ExecutorService sessionWorker;

    public RejoiningZooKeeperClusterService() {
        super(new OwnCuratorConfiguration());
        ((OwnCuratorConfiguration) getConfiguration()).service = this; // the parent keeps a copy (a clone) of it
    }

    /** Refused: the configuration is this service's own (it supplies the Curator client); set its properties. */
    @Override
    public void setConfiguration(ZooKeeperCuratorConfiguration configuration) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " builds its own Curator client: set nodes, basePath, sessionTimeout, ... instead of a configuration");
    }

    /** Refused: the service's own Curator client is what mends camel-zookeeper's; a client set here would bypass it. */
    @Override
    public void setCuratorFramework(CuratorFramework curatorFramework) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " builds its own Curator client: set nodes, basePath, sessionTimeout, ... instead of a client");
    }

    /**
     * Also shuts the views down, which camel-zookeeper leaves to nobody: each view's Curator {@code LeaderSelector}
     * keeps a thread until it is closed ({@code ZooKeeperClusterTest#theDocumentedYamlLeadsOnTheEnsemble} found it
     * alive after the context stopped).
     */
    @Override
    protected void doShutdown() throws Exception {
        super.doShutdown();
        for (String namespace : getNamespaces()) {
            CamelClusterView view = getView(namespace); // not started again: the service no longer runs
            try {
                ServiceHelper.stopAndShutdownService(view);
            } finally {
                releaseView(view);
            }
        }
        synchronized (this) {
            if (sessionWorker != null) {
                getCamelContext().getExecutorServiceManager().shutdownNow(sessionWorker);
            }
            if (curator != null) {
                curator.close();
            }
        }
    }

    /**
     * The views' Curator client, built and started on first use. The parent asks for it on its first view, which
     * {@code ClusteredRoutePolicy} may create before the service starts: so it is built on demand, not in doStart.
     */
    private synchronized CuratorFramework curator() {
        if (curator == null) {
            ZooKeeperCuratorConfiguration c = getConfiguration();
            long sessionMillis = c.getSessionTimeoutUnit().toMillis(c.getSessionTimeout());
            sessionWorker = getCamelContext().getExecutorServiceManager().newSingleThreadExecutor(this,
                    "ZooKeeperSession");
            curator = newCurator(c);
            curator.getConnectionStateListenable()
                    .addListener(new ZooKeeperSessionListener(this, sessionWorker, sessionMillis));
            curator.start();
        }
        return curator;
    }

    private static CuratorFramework newCurator(ZooKeeperCuratorConfiguration c) {
        RetryPolicy retry = c.getRetryPolicy() != null
                ? c.getRetryPolicy()
                : new ExponentialBackoffRetry(
                        (int) c.getReconnectBaseSleepTimeUnit().toMillis(c.getReconnectBaseSleepTime()),
                        c.getReconnectMaxRetries());
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(String.join(",", c.getNodes()))
                .sessionTimeoutMs((int) c.getSessionTimeoutUnit().toMillis(c.getSessionTimeout()))
                .connectionTimeoutMs((int) c.getConnectionTimeoutUnit().toMillis(c.getConnectionTimeout()))
                .maxCloseWaitMs((int) c.getMaxCloseWaitUnit().toMillis(c.getMaxCloseWait()))
                .retryPolicy(retry)
                .connectionStateErrorPolicy(new SessionConnectionStateErrorPolicy());
        if (c.getNamespace() != null) {
            builder.namespace(c.getNamespace());
        }
        if (c.getAuthInfoList() != null) {
            builder.authorization(c.getAuthInfoList());
        }
        return builder.build();
    }

    /** The parent's configuration, whose Curator client is this service's own. */
    private static final class OwnCuratorConfiguration extends ZooKeeperCuratorConfiguration {

        private RejoiningZooKeeperClusterService service;

        @Override
        public CuratorFramework getCuratorFramework() {
            if (service == null || service.getCamelContext() == null) {
                return null; // not yet in a context (a property read): built when the service is used
            }
            return service.curator();
        }
    }
}
