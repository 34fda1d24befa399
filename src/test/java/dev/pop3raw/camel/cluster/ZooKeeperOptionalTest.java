package dev.pop3raw.camel.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.CompiledClasses;

/**
 * camel-zookeeper (with Curator and the ZooKeeper client) is an optional dependency: only dev.pop3raw.camel.cluster
 * refers to it, and nothing else in the component refers to that package, so a route without a cluster never loads it.
 * The cluster classes themselves are proven on a real ensemble by {@code ZooKeeperClusterTest}.
 */
class ZooKeeperOptionalTest {

    @Test
    void onlyTheClusterPackageRefersToZooKeeperAndNothingRefersToIt() {
        CompiledClasses classes = CompiledClasses.outside("dev/pop3raw/camel/cluster/", "org/apache/curator/",
                "org/apache/zookeeper/", "org/apache/camel/component/zookeeper/", "dev/pop3raw/camel/cluster/");
        assertTrue(classes.scanned() > 100, "scanned " + classes.scanned() + " classes");
        assertEquals(List.of(), classes.referring(),
                "classes outside dev.pop3raw.camel.cluster that refer to ZooKeeper, Curator or to that package");
    }
}
