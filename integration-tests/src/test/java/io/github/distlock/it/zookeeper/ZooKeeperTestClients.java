package io.github.distlock.it.zookeeper;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.DistlockMetricsAutoConfiguration;
import io.github.distlock.autoconfigure.ZooKeeperLockAutoConfiguration;
import io.github.distlock.backend.zookeeper.LossOn;
import io.github.distlock.backend.zookeeper.ZooKeeperLockBackend;
import io.github.distlock.it.servers.ZooKeeperServer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Curator clients, backends and applications of a test server.
 */
final class ZooKeeperTestClients {

	static final String BASE_PATH = "/distlock-it";

	static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

	private ZooKeeperTestClients() {
	}

	/**
	 * An application context with distlock's auto-configuration, choosing the ZooKeeper
	 * backend and connecting it to {@code server}.
	 */
	static ApplicationContextRunner contextRunner(ZooKeeperServer server) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ZooKeeperLockAutoConfiguration.class,
					DistlockMetricsAutoConfiguration.class, DistlockAutoConfiguration.class))
			.withPropertyValues("distlock.backend=zookeeper",
					"distlock.zookeeper.connect-string=" + server.connectString(),
					"distlock.zookeeper.session-timeout=" + SESSION_TIMEOUT.toMillis() + "ms",
					"distlock.zookeeper.connection-timeout=5s", "distlock.zookeeper.retry.base-sleep=100ms",
					"distlock.zookeeper.base-path=" + BASE_PATH);
	}

	/** A started, connected client of {@code server} (through its proxy). */
	static CuratorFramework client(ZooKeeperServer server, Duration sessionTimeout) throws InterruptedException {
		return client(server.connectString(), sessionTimeout);
	}

	/**
	 * A started, connected client of {@code server} past its proxy, which stalling the
	 * proxy leaves alone.
	 */
	static CuratorFramework directClient(ZooKeeperServer server, Duration sessionTimeout) throws InterruptedException {
		return client("127.0.0.1:" + server.serverPort(), sessionTimeout);
	}

	private static CuratorFramework client(String connectString, Duration sessionTimeout) throws InterruptedException {
		return started(CuratorFrameworkFactory.builder()
			.connectString(connectString)
			.sessionTimeoutMs((int) sessionTimeout.toMillis())
			.connectionTimeoutMs(5_000)
			.retryPolicy(new ExponentialBackoffRetry(100, 3))
			.build());
	}

	/** Starts {@code client} and waits for its session. */
	static CuratorFramework started(CuratorFramework client) throws InterruptedException {
		client.start();
		assertThat(client.blockUntilConnected(30, TimeUnit.SECONDS)).as("connected to ZooKeeper").isTrue();
		return client;
	}

	/** A backend over a new client that it closes itself. */
	static ZooKeeperLockBackend backend(ZooKeeperServer server, Duration sessionTimeout, LossOn lossOn)
			throws InterruptedException {
		return new ZooKeeperLockBackend(client(server, sessionTimeout), BASE_PATH, lossOn, true);
	}

}
