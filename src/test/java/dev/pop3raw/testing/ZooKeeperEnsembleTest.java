package dev.pop3raw.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ZooKeeperEnsemble}: three servers in JVMs of their own form a quorum with one leader; a SIGKILL of the
 * quorum's leader leaves two servers that elect a new one and keep serving writes; one more kill leaves no quorum.
 */
class ZooKeeperEnsembleTest {

    @Test
    @Timeout(180)
    void threeServersFormAQuorumThatSurvivesTheLossOfItsLeader() throws Exception {
        try (ZooKeeperEnsemble zk = ZooKeeperEnsemble.start(3)) {
            int leader = zk.awaitLeader(Duration.ofSeconds(30));
            assertEquals(3, zk.serving(), "one leader and two followers: " + zk.modes());
            for (int id = 1; id <= 3; id++) {
                assertEquals(id == leader ? "leader" : "follower", zk.mode(id), zk.modes());
            }
            try (CuratorFramework client = client(zk)) {
                client.create().forPath("/before", bytes("written with three servers"));

                zk.kill(leader);
                assertFalse(zk.isRunning(leader));
                int next = zk.awaitLeader(Duration.ofSeconds(60));
                assertNotEquals(leader, next, "a surviving server leads now: " + zk.modes());
                assertEquals(2, zk.serving(), zk.modes());
                // the quorum of two serves writes and has the data written before the kill
                client.create().forPath("/after", bytes("written with two servers"));
                assertArrayEquals(bytes("written with three servers"), client.getData().forPath("/before"));

                zk.kill(next);
                ServerKit.sleep(3 * ZooKeeperEnsemble.TICK_MS);
                assertEquals(0, zk.serving(), "one server of three is no quorum: " + zk.modes());
                assertThrows(Exception.class, () -> client.create().forPath("/without-quorum"));

                zk.restart(leader);
                zk.awaitLeader(Duration.ofSeconds(60));
                assertArrayEquals(bytes("written with two servers"), client.getData().forPath("/after"));
                assertTrue(zk.serving() >= 2, zk.modes());
            }
        }
    }

    private static CuratorFramework client(ZooKeeperEnsemble zk) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(zk.connectString())
                .sessionTimeoutMs(10_000).connectionTimeoutMs(3_000).retryPolicy(new RetryOneTime(500)).build();
        client.start();
        assertTrue(client.blockUntilConnected(30, java.util.concurrent.TimeUnit.SECONDS), "client connected");
        return client;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
