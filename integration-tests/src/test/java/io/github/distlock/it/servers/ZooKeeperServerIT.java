package io.github.distlock.it.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves that {@link RealServersExtension} gives tests a real, controllable ZooKeeper
 * server.
 */
@ExtendWith(RealServersExtension.class)
class ZooKeeperServerIT {

	@Test
	void sharedServerStoresNodes(ZooKeeperServer zk) throws Exception {
		assertThat(zk.connectString()).startsWith("127.0.0.1:");
		assertThatThrownBy(zk::pause).isInstanceOf(IllegalStateException.class);
		try (CuratorFramework client = curator(zk)) {
			String path = "/it/" + UUID.randomUUID();
			client.create().creatingParentsIfNeeded().forPath(path, "v".getBytes(StandardCharsets.UTF_8));
			assertThat(new String(client.getData().forPath(path), StandardCharsets.UTF_8)).isEqualTo("v");
		}
	}

	@Test
	void pauseResumeKillAndRestart(@Dedicated ZooKeeperServer zk) throws Exception {
		ZooKeeper client = connect(zk);
		try {
			client.create("/k", "v".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
					CreateMode.PERSISTENT);

			zk.pause();
			CompletableFuture<Stat> pending = exists(client, "/k");
			assertThatThrownBy(() -> pending.get(400, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);

			zk.resume();
			// The request sent while paused goes through once the server is reachable
			// again.
			assertThat(pending.get(5, TimeUnit.SECONDS)).isNotNull();

			zk.kill();
			assertThat(zk.isRunning()).isFalse();
			zk.restart();
			assertThat(zk.isRunning()).isTrue();
		}
		finally {
			client.close();
		}
		ZooKeeper again = connect(zk);
		try {
			assertThat(again.exists("/k", false)).as("persistent nodes survive a restart").isNotNull();
		}
		finally {
			again.close();
		}
	}

	@Test
	void expireSessionDropsEphemeralNodes(ZooKeeperServer zk) throws Exception {
		String path = "/it-ephemeral-" + UUID.randomUUID();
		try (CuratorFramework owner = curator(zk); CuratorFramework observer = curator(zk)) {
			owner.create().withMode(CreateMode.EPHEMERAL).forPath(path);
			assertThat(observer.checkExists().forPath(path)).isNotNull();

			long before = owner.getZookeeperClient().getZooKeeper().getSessionId();
			zk.expireSession(owner);
			// Far below the 10 s session timeout: the server ended the session, not the
			// clock.
			await().atMost(Duration.ofSeconds(3)).until(() -> observer.checkExists().forPath(path) == null);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> owner.getZookeeperClient().getZooKeeper().getSessionId() != before
						&& owner.getZookeeperClient().isConnected());
		}
	}

	private static CuratorFramework curator(ZooKeeperServer zk) throws InterruptedException {
		CuratorFramework client = CuratorFrameworkFactory.builder()
			.connectString(zk.connectString())
			.sessionTimeoutMs(10_000)
			.connectionTimeoutMs(5_000)
			.retryPolicy(new RetryOneTime(100))
			.build();
		client.start();
		assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
		return client;
	}

	private static ZooKeeper connect(ZooKeeperServer zk) throws Exception {
		CountDownLatch connected = new CountDownLatch(1);
		ZooKeeper client = new ZooKeeper(zk.connectString(), 10_000, event -> {
			if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
				connected.countDown();
			}
		});
		assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
		return client;
	}

	private static CompletableFuture<Stat> exists(ZooKeeper client, String path) {
		CompletableFuture<Stat> result = new CompletableFuture<>();
		client.exists(path, false, (rc, p, ctx, stat) -> {
			if (rc == KeeperException.Code.OK.intValue()) {
				result.complete(stat);
			}
			else {
				result.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), p));
			}
		}, null);
		return result;
	}

}
