package io.github.distlock.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.github.distlock.LockBackendException;
import io.github.distlock.backend.zookeeper.ZookeeperLockBackend;
import io.github.distlock.spi.LockBackend;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Offers the ZooKeeper backend when Apache Curator is on the classpath. It uses the application's
 * {@link CuratorFramework} bean when there is one (Spring Cloud Zookeeper defines one), and otherwise
 * builds its own client from {@code distlock.zookeeper.*}. It starts and closes only a client it built.
 */
@AutoConfiguration(before = DistlockAutoConfiguration.class,
		afterName = "org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration")
@ConditionalOnClass(CuratorFramework.class)
@EnableConfigurationProperties(DistlockZookeeperProperties.class)
public final class ZookeeperLockAutoConfiguration {

	@Bean
	LockBackendCandidate distlockZookeeperBackendCandidate(DistlockZookeeperProperties properties,
			ObjectProvider<CuratorFramework> clients) {
		return new ZookeeperCandidate(properties, clients);
	}

	private record ZookeeperCandidate(DistlockZookeeperProperties properties,
			ObjectProvider<CuratorFramework> clients) implements LockBackendCandidate {

		private static final String YAML_CONNECT = "distlock:\n  zookeeper:\n    connect-string: localhost:2181";

		@Override
		public BackendType type() {
			return BackendType.ZOOKEEPER;
		}

		@Override
		public boolean connectionConfigured() {
			return this.properties.getConnectString() != null || this.clients.stream().findAny().isPresent();
		}

		@Override
		public LockBackend create() {
			CuratorFramework bean = this.clients.getIfUnique();
			if (bean == null && this.clients.stream().findAny().isPresent()) {
				throw new BackendSelectionException(
						"The application defines several CuratorFramework beans and none is @Primary, so distlock "
								+ "cannot tell which one to lock with",
						"Mark the CuratorFramework bean distlock should use with @Primary.");
			}
			return (bean != null) ? withApplicationClient(bean) : withOwnClient();
		}

		private LockBackend withApplicationClient(CuratorFramework client) {
			if (this.properties.getConnectString() != null || authConfigured()) {
				throw new BackendSelectionException(
						"distlock.zookeeper.connect-string or distlock.zookeeper.auth.* is set, but the application "
								+ "defines a CuratorFramework bean, which distlock uses as it is: those properties "
								+ "would be ignored",
						"Remove distlock.zookeeper.connect-string and distlock.zookeeper.auth.* from application.yml "
								+ "and configure the connection and credentials on your CuratorFramework bean "
								+ "(CuratorFrameworkFactory.builder().authorization(\"digest\", ...).aclProvider(...)), "
								+ "or remove the bean so that distlock builds its own client.");
			}
			if (client.getState() != CuratorFrameworkState.STARTED) {
				throw new BackendSelectionException(
						"The application's CuratorFramework bean is not started (state " + client.getState() + ")",
						"Start it when it is created, for example with @Bean(initMethod = \"start\", "
								+ "destroyMethod = \"close\"); distlock neither starts nor closes a client it did "
								+ "not build.");
			}
			ZookeeperLockBackend backend = new ZookeeperLockBackend(client, this.properties.getBasePath(),
					this.properties.getLossOn(), false);
			verify(backend, Duration.ofMillis(client.getZookeeperClient().getConnectionTimeoutMs()), false);
			return backend;
		}

		private LockBackend withOwnClient() {
			String connectString = this.properties.getConnectString();
			if (connectString == null) {
				throw new BackendSelectionException(
						"distlock.backend is 'zookeeper' but no ZooKeeper connection is configured: "
								+ "distlock.zookeeper.connect-string is not set and there is no CuratorFramework bean",
						"Name the ZooKeeper servers in application.yml:\n\n" + YAML_CONNECT
								+ "\n\nor define a started CuratorFramework bean.");
			}
			DistlockZookeeperProperties.Auth auth = this.properties.getAuth();
			if (authConfigured() && (auth.getUsername() == null || auth.getPassword() == null)) {
				throw new BackendSelectionException(
						"distlock.zookeeper.auth needs both a username and a password, but only one is set",
						"Set both in application.yml:\n\ndistlock:\n  zookeeper:\n    auth:\n      username: app\n"
								+ "      password: ${ZOOKEEPER_PASSWORD}");
			}
			CuratorFramework client = buildClient(connectString);
			client.start();
			ZookeeperLockBackend backend = new ZookeeperLockBackend(client, this.properties.getBasePath(),
					this.properties.getLossOn(), true);
			verify(backend, this.properties.getConnectionTimeout(), true);
			return backend;
		}

		private CuratorFramework buildClient(String connectString) {
			DistlockZookeeperProperties.Retry retry = this.properties.getRetry();
			CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
				.connectString(connectString)
				.sessionTimeoutMs((int) this.properties.getSessionTimeout().toMillis())
				.connectionTimeoutMs((int) this.properties.getConnectionTimeout().toMillis())
				.retryPolicy(new ExponentialBackoffRetry((int) retry.getBaseSleep().toMillis(), retry.getMaxRetries()));
			DistlockZookeeperProperties.Auth auth = this.properties.getAuth();
			if (auth.getUsername() != null && auth.getPassword() != null) {
				String identity = auth.getUsername() + ":" + auth.getPassword();
				builder.authorization("digest", identity.getBytes(StandardCharsets.UTF_8))
					.aclProvider(new CreatorOnlyAclProvider());
			}
			return builder.build();
		}

		private boolean authConfigured() {
			DistlockZookeeperProperties.Auth auth = this.properties.getAuth();
			return auth.getUsername() != null || auth.getPassword() != null;
		}

		private void verify(ZookeeperLockBackend backend, Duration timeout, boolean ownClient) {
			try {
				backend.verifyAccess(timeout);
			}
			catch (LockBackendException ex) {
				backend.close();
				throw new BackendSelectionException(ex.getMessage(), refusedAction(ex, ownClient), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				backend.close();
				throw new BackendSelectionException("Interrupted while connecting to ZooKeeper",
						"Start the application again.", ex);
			}
		}

		private String refusedAction(LockBackendException ex, boolean ownClient) {
			String basePath = this.properties.getBasePath();
			if (ex.getCause() instanceof KeeperException.NoAuthException) {
				return ownClient
						? "The nodes under " + basePath + " belong to another ZooKeeper identity. Set the digest "
								+ "credentials they were created with:\n\ndistlock:\n  zookeeper:\n    auth:\n"
								+ "      username: app\n      password: ${ZOOKEEPER_PASSWORD}\n\nor give distlock a base "
								+ "path of its own with distlock.zookeeper.base-path."
						: "Give your CuratorFramework bean the credentials that own " + basePath
								+ " (CuratorFrameworkFactory.builder().authorization(\"digest\", ...)), or give "
								+ "distlock a base path of its own with distlock.zookeeper.base-path.";
			}
			if (ex.getCause() instanceof KeeperException) {
				return "Check the ZooKeeper server's log and the ACLs of " + basePath
						+ ", or choose another path with distlock.zookeeper.base-path.";
			}
			return ownClient
					? "Check that ZooKeeper runs and that distlock.zookeeper.connect-string names it:\n\n" + YAML_CONNECT
							+ "\n\nor allow more time with distlock.zookeeper.connection-timeout."
					: "Check that ZooKeeper runs at the address your CuratorFramework bean is built with.";
		}

	}

	/**
	 * Gives every node distlock's client creates (lock nodes and their parents) an ACL that lets only
	 * the authenticated digest identity read, write or delete it: deleting a lock node needs the DELETE
	 * permission on its parent, so the parents must carry it too.
	 */
	private static final class CreatorOnlyAclProvider implements ACLProvider {

		@Override
		public List<ACL> getDefaultAcl() {
			return ZooDefs.Ids.CREATOR_ALL_ACL;
		}

		@Override
		public List<ACL> getAclForPath(String path) {
			return ZooDefs.Ids.CREATOR_ALL_ACL;
		}

	}

}
