package io.github.distlock.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.github.distlock.LockBackendException;
import io.github.distlock.backend.zookeeper.ZooKeeperLockBackend;
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

/**
 * The ZooKeeper backend as a candidate: with the application's {@link CuratorFramework}
 * bean, used as it is, or else with a client of its own built from
 * {@code distlock.zookeeper.*}, which it starts and closes. Access to the base path is
 * checked before the backend is handed out, and what ZooKeeper refuses becomes a
 * {@link ZooKeeperStartupException}.
 */
final class ZooKeeperBackendCandidate implements LockBackendCandidate {

	private final DistlockZooKeeperProperties properties;

	private final ObjectProvider<CuratorFramework> clients;

	ZooKeeperBackendCandidate(DistlockZooKeeperProperties properties, ObjectProvider<CuratorFramework> clients) {
		this.properties = properties;
		this.clients = clients;
	}

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
			throw ZooKeeperStartupException.severalClients();
		}
		return (bean != null) ? withApplicationClient(bean) : withOwnClient();
	}

	private LockBackend withApplicationClient(CuratorFramework client) {
		if (this.properties.getConnectString() != null || this.properties.getAuth().isConfigured()) {
			throw ZooKeeperStartupException.propertiesBesideClient();
		}
		if (client.getState() != CuratorFrameworkState.STARTED) {
			throw ZooKeeperStartupException.clientNotStarted(client.getState());
		}
		ZooKeeperLockBackend backend = new ZooKeeperLockBackend(client, this.properties.getBasePath(),
				this.properties.getLossOn(), false);
		verify(backend, Duration.ofMillis(client.getZookeeperClient().getConnectionTimeoutMs()), false);
		return backend;
	}

	private LockBackend withOwnClient() {
		String connectString = this.properties.getConnectString();
		if (connectString == null) {
			throw ZooKeeperStartupException.noConnection();
		}
		DistlockZooKeeperProperties.Auth auth = this.properties.getAuth();
		if (auth.isConfigured() && (auth.getUsername() == null || auth.getPassword() == null)) {
			throw ZooKeeperStartupException.incompleteCredentials();
		}
		CuratorFramework client = buildClient(connectString);
		client.start();
		ZooKeeperLockBackend backend = new ZooKeeperLockBackend(client, this.properties.getBasePath(),
				this.properties.getLossOn(), true);
		verify(backend, this.properties.getConnectionTimeout(), true);
		return backend;
	}

	private CuratorFramework buildClient(String connectString) {
		DistlockZooKeeperProperties.Retry retry = this.properties.getRetry();
		CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
			.connectString(connectString)
			.sessionTimeoutMs((int) this.properties.getSessionTimeout().toMillis())
			.connectionTimeoutMs((int) this.properties.getConnectionTimeout().toMillis())
			.retryPolicy(new ExponentialBackoffRetry((int) retry.getBaseSleep().toMillis(), retry.getMaxRetries()));
		DistlockZooKeeperProperties.Auth auth = this.properties.getAuth();
		if (auth.getUsername() != null && auth.getPassword() != null) {
			String identity = auth.getUsername() + ":" + auth.getPassword();
			builder.authorization("digest", identity.getBytes(StandardCharsets.UTF_8))
				.aclProvider(new CreatorOnlyAclProvider());
		}
		return builder.build();
	}

	private void verify(ZooKeeperLockBackend backend, Duration timeout, boolean ownClient) {
		try {
			backend.verifyAccess(timeout);
		}
		catch (LockBackendException ex) {
			backend.close();
			throw ZooKeeperStartupException.refused(problem(ex), this.properties.getBasePath(), ownClient, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			backend.close();
			throw ZooKeeperStartupException.interrupted(ex);
		}
	}

	private static ZooKeeperStartupException.Problem problem(LockBackendException failure) {
		if (failure.getCause() instanceof KeeperException.NoAuthException) {
			return ZooKeeperStartupException.Problem.NOT_AUTHORIZED;
		}
		return (failure.getCause() instanceof KeeperException) ? ZooKeeperStartupException.Problem.SERVER_REFUSED
				: ZooKeeperStartupException.Problem.UNREACHABLE;
	}

	/**
	 * Gives every node distlock's client creates (lock nodes and their parents) an ACL
	 * that lets only the authenticated digest identity read, write or delete it: deleting
	 * a lock node needs the DELETE permission on its parent, so the parents must carry it
	 * too.
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
