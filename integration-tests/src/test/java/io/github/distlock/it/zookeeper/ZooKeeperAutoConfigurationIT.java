package io.github.distlock.it.zookeeper;

import java.net.ServerSocket;
import java.time.Duration;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.autoconfigure.BackendSelectionException;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.ZooKeeperLockAutoConfiguration;
import io.github.distlock.backend.zookeeper.ZooKeeperLockBackend;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.ZooKeeperServer;
import io.github.distlock.spi.LockBackend;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration against a real server: distlock's own client is built from the
 * properties, started and closed with the application; the application's client is used
 * and left alone; an unreachable server fails the startup with an action.
 */
@ExtendWith(RealServersExtension.class)
class ZooKeeperAutoConfigurationIT {

	private final ZooKeeperServer server;

	ZooKeeperAutoConfigurationIT(ZooKeeperServer server) {
		this.server = server;
	}

	@Test
	void buildsStartsAndClosesItsOwnClient() {
		CuratorFramework[] built = new CuratorFramework[1];
		ZooKeeperTestClients.contextRunner(this.server)
			.withPropertyValues("distlock.zookeeper.session-timeout=8s", "distlock.zookeeper.loss-on=lost")
			.run((context) -> {
				ZooKeeperLockBackend backend = (ZooKeeperLockBackend) context.getBean(LockBackend.class);
				built[0] = backend.client();
				assertThat(built[0].getState()).isEqualTo(CuratorFrameworkState.STARTED);
				assertThat(built[0].getZookeeperClient().getCurrentConnectionString())
					.isEqualTo(this.server.connectString());
				assertThat(built[0].getZookeeperClient().getLastNegotiatedSessionTimeoutMs()).isEqualTo(8000);
				assertThat(backend)
					.hasToString("ZooKeeperLockBackend[" + ZooKeeperTestClients.BASE_PATH + ", loss-on LOST]");
				try (Lease lease = context.getBean(DefaultLockTemplate.class)
					.acquire("own-client", LockOptions.defaults())) {
					assertThat(lease.isHeld()).isTrue();
				}
			});
		assertThat(built[0].getState()).as("closed with the application").isEqualTo(CuratorFrameworkState.STOPPED);
	}

	@Test
	void usesTheApplicationsClientAndLeavesItOpen() throws Exception {
		try (CuratorFramework client = ZooKeeperTestClients.client(this.server, Duration.ofSeconds(10))) {
			new ApplicationContextRunner()
				.withConfiguration(
						AutoConfigurations.of(ZooKeeperLockAutoConfiguration.class, DistlockAutoConfiguration.class))
				// No inferred close(): the context must not close the client either, so
				// that only distlock could.
				.withBean(CuratorFramework.class, () -> client, (definition) -> definition.setDestroyMethodName(""))
				.run((context) -> {
					assertThat(((ZooKeeperLockBackend) context.getBean(LockBackend.class)).client()).isSameAs(client);
					try (Lease lease = context.getBean(DefaultLockTemplate.class)
						.acquire("user-client", LockOptions.defaults())) {
						assertThat(lease.isHeld()).isTrue();
					}
				});
			assertThat(client.getState()).as("left open").isEqualTo(CuratorFrameworkState.STARTED);
			assertThat(client.checkExists().forPath("/distlock")).as("default base path").isNotNull();
		}
	}

	@Test
	void unreachableServerFailsTheStartupWithAnAction() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ZooKeeperLockAutoConfiguration.class, DistlockAutoConfiguration.class))
			.withPropertyValues("distlock.zookeeper.connect-string=127.0.0.1:" + closedPort,
					"distlock.zookeeper.connection-timeout=1s")
			.run((context) -> {
				assertThat(context).hasFailed();
				BackendSelectionException failure = ZooKeeperAclIT.findSelectionFailure(context.getStartupFailure());
				assertThat(failure.getMessage()).contains("Could not connect").contains("127.0.0.1:" + closedPort);
				assertThat(failure.getAction()).contains("connect-string:");
			});
	}

}
