package io.github.distlock.it.zookeeper;

import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.backend.zookeeper.LossOn;
import io.github.distlock.backend.zookeeper.ZooKeeperLockBackend;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.HeldLock;
import io.github.distlock.core.LockSettings;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that negotiates a session timeout below the ttl (its {@code maxSessionTimeout}
 * is 2 s, the client asks for 6 s, the ttl is 6 s): the lease's local validity is bounded
 * by the negotiated timeout, not the ttl, so {@code isHeld()} turns false before the
 * server can expire the session and hand the lock on.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ZooKeeperNegotiatedTimeoutIT {

	private static final Duration TTL = Duration.ofSeconds(6);

	@Test
	void validityIsBoundedByTheNegotiatedSessionTimeout() throws Exception {
		File data = Files.createTempDirectory("zk-negotiated").toFile();
		InstanceSpec spec = new InstanceSpec(data, -1, -1, -1, true, -1, 500, 0,
				Map.of("clientPortAddress", "127.0.0.1", "admin.enableServer", "false", "maxSessionTimeout", "2000"),
				"127.0.0.1");
		try (TestingServer server = new TestingServer(spec, true)) {
			CuratorFramework client = CuratorFrameworkFactory.builder()
				.connectString(server.getConnectString())
				.sessionTimeoutMs((int) TTL.toMillis())
				.retryPolicy(new ExponentialBackoffRetry(100, 1))
				.build();
			client.start();
			try (ZooKeeperLockBackend backend = new ZooKeeperLockBackend(client, "/negotiated", LossOn.LOST, true);
					DefaultLockTemplate locks = new DefaultLockTemplate(backend, LockSettings.defaults(), List.of())) {
				backend.verifyAccess(Duration.ofSeconds(20));
				int negotiated = client.getZookeeperClient().getLastNegotiatedSessionTimeoutMs();
				assertThat(negotiated).as("negotiated session timeout").isEqualTo(2000);
				try (Lease lease = locks.acquire("report", LockOptions.ttl(TTL))) {
					assertThat(lease.isHeld()).isTrue();
					HeldLock held = locks.heldLocks().get(0);
					assertThat(held.validFor()).as("local validity").isLessThanOrEqualTo(Duration.ofMillis(negotiated));
				}
			}
		}
	}

}
