package io.github.distlock.it.zookeeper;

import java.time.Duration;

import io.github.distlock.autoconfigure.ZooKeeperLockAutoConfiguration;
import io.github.distlock.it.contract.ReactiveHoldContractTests;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.ZooKeeperServer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/**
 * Asynchronous holds ({@code CompletionStage}, {@code Mono}, {@code Flux}) on a real
 * (in-process) ZooKeeper server, whose locks live as long as the session: lock entries
 * are the ephemeral nodes under each key's node.
 */
@ExtendWith(RealServersExtension.class)
class ZooKeeperAsyncHoldsIT extends ReactiveHoldContractTests {

	private static final String BASE_PATH = "/distlock-async";

	private static ZooKeeperServer zookeeper;

	private static CuratorFramework client;

	@BeforeAll
	static void connect(ZooKeeperServer server) throws InterruptedException {
		zookeeper = server;
		client = ZooKeeperTestClients.client(server, Duration.ofSeconds(10));
	}

	@AfterAll
	static void disconnect() {
		client.close();
	}

	@Override
	protected String[] backendProperties() {
		return new String[] { "distlock.backend=zookeeper",
				"distlock.zookeeper.connect-string=" + zookeeper.connectString(),
				"distlock.zookeeper.base-path=" + BASE_PATH };
	}

	@Override
	protected Class<?> backendAutoConfiguration() {
		return ZooKeeperBackend.class;
	}

	@Override
	protected int lockEntriesOnServer(String prefix) throws Exception {
		if (client.checkExists().forPath(BASE_PATH) == null) {
			return 0;
		}
		int entries = 0;
		for (String key : client.getChildren().forPath(BASE_PATH)) {
			if (key.startsWith(prefix)) {
				try {
					entries += client.getChildren().forPath(BASE_PATH + "/" + key).size();
				}
				catch (KeeperException.NoNodeException ex) {
					// An empty key node, reaped since it was listed.
				}
			}
		}
		return entries;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ZooKeeperLockAutoConfiguration.class)
	static class ZooKeeperBackend {

	}

}
