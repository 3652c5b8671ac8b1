package io.github.distlock.it.zookeeper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.github.distlock.Lease;
import io.github.distlock.LockBackendException;
import io.github.distlock.LockOptions;
import io.github.distlock.autoconfigure.BackendSelectionException;
import io.github.distlock.backend.zookeeper.LossOn;
import io.github.distlock.backend.zookeeper.ZooKeeperLockBackend;
import io.github.distlock.core.LockKeys;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockSettings;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.ZooKeeperServer;
import io.github.distlock.spi.LockRequest;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With {@code distlock.zookeeper.auth.*} set, lock nodes and their parents carry a
 * creator-only digest ACL: a client without the credentials can neither delete another's
 * lock node nor take part, and wrong credentials fail at startup.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
class ZooKeeperAclIT {

	private final ZooKeeperServer server;

	private final String basePath = "/distlock-acl-" + UUID.randomUUID();

	ZooKeeperAclIT(ZooKeeperServer server) {
		this.server = server;
	}

	private ApplicationContextRunner application(String username, String password) {
		return ZooKeeperTestClients.contextRunner(this.server)
			.withPropertyValues("distlock.zookeeper.base-path=" + this.basePath,
					"distlock.zookeeper.auth.username=" + username, "distlock.zookeeper.auth.password=" + password);
	}

	private CuratorFramework rawClient(String digest) throws InterruptedException {
		CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
			.connectString(this.server.connectString())
			.retryPolicy(new ExponentialBackoffRetry(100, 1));
		if (digest != null) {
			builder.authorization("digest", digest.getBytes(StandardCharsets.UTF_8));
		}
		return ZooKeeperTestClients.started(builder.build());
	}

	@Test
	void clientWithoutTheCredentialsCannotDeleteAnotherClientsLockNode() {
		application("app", "s3cret").run((context) -> {
			DefaultLockTemplate locks = context.getBean(DefaultLockTemplate.class);
			String keyPath = this.basePath + "/" + LockKeys.encode("invoice:1");
			try (Lease lease = locks.acquire("invoice:1", LockOptions.defaults());
					CuratorFramework owner = rawClient("app:s3cret");
					CuratorFramework stranger = rawClient(null);
					CuratorFramework impostor = rawClient("app:wrong")) {
				List<String> children = owner.getChildren().forPath(keyPath);
				assertThat(children).hasSize(1);
				String node = keyPath + "/" + children.get(0);

				assertThatThrownBy(() -> stranger.delete().forPath(node))
					.isInstanceOf(KeeperException.NoAuthException.class);
				assertThatThrownBy(() -> impostor.delete().forPath(node))
					.isInstanceOf(KeeperException.NoAuthException.class);
				assertThatThrownBy(() -> stranger.getChildren().forPath(keyPath))
					.isInstanceOf(KeeperException.NoAuthException.class);
				assertThat(owner.checkExists().forPath(node)).as("the lock node survived").isNotNull();
				assertThat(lease.isHeld()).isTrue();
				for (String path : List.of(this.basePath, keyPath, node)) {
					assertThat(owner.getACL().forPath(path)).as(path).singleElement().satisfies((ACL acl) -> {
						assertThat(acl.getId().getScheme()).isEqualTo("digest");
						assertThat(acl.getId().getId()).startsWith("app:");
						assertThat(acl.getPerms()).isEqualTo(ZooDefs.Perms.ALL);
					});
				}
			}
		});
	}

	@Test
	void instancesSharingTheCredentialsExcludeEachOtherAndOthersCannotTakePart() {
		application("app", "s3cret").run((first) -> application("app", "s3cret").run((second) -> {
			DefaultLockTemplate one = first.getBean(DefaultLockTemplate.class);
			DefaultLockTemplate two = second.getBean(DefaultLockTemplate.class);
			try (Lease lease = one.acquire("report", LockOptions.defaults());
					ZooKeeperLockBackend stranger = new ZooKeeperLockBackend(rawClient(null), this.basePath,
							LossOn.SUSPENDED, true)) {
				assertThat(two.tryAcquire("report", LockOptions.defaults())).isEmpty();
				LockRequest request = new LockRequest(LockKeys.encode("report"), Duration.ofSeconds(30), Duration.ZERO);
				// Refused by the server: an error, never "busy".
				assertThatThrownBy(() -> stranger.tryAcquire(request)).isInstanceOf(LockBackendException.class)
					.hasRootCauseInstanceOf(KeeperException.NoAuthException.class);
				lease.release();
				try (Lease next = two.acquire("report", LockOptions.defaults().withWaitTime(Duration.ofSeconds(5)))) {
					assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
				}
			}
		}));
	}

	@Test
	void wrongCredentialsFailAtStartupSayingWhatToSet() {
		application("app", "s3cret").run((owner) -> {
			// Held while the second application starts, so the base path cannot be reaped
			// meanwhile.
			try (Lease lease = owner.getBean(DefaultLockTemplate.class).acquire("held", LockOptions.defaults())) {
				application("app", "wrong").run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure()).rootCause()
						.isInstanceOf(KeeperException.NoAuthException.class);
					BackendSelectionException failure = findSelectionFailure(context.getStartupFailure());
					assertThat(failure.getMessage()).contains("refused").contains(this.basePath);
					assertThat(failure.getAction()).contains("auth:").contains("username:").contains("password:");
				});
				assertThat(lease.isHeld()).isTrue();
			}
		});
	}

	static BackendSelectionException findSelectionFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof BackendSelectionException selection) {
				return selection;
			}
		}
		throw new AssertionError("No BackendSelectionException in " + failure, failure);
	}

	@Test
	void clientWithoutTheCredentialsCannotEvenCreateAKeyOfItsOwn() {
		application("app", "s3cret").run((context) -> {
			try (ZooKeeperLockBackend stranger = new ZooKeeperLockBackend(rawClient(null), this.basePath,
					LossOn.SUSPENDED, true);
					DefaultLockTemplate strangerLocks = new DefaultLockTemplate(stranger, LockSettings.defaults(),
							List.of());
					Lease held = context.getBean(DefaultLockTemplate.class).acquire("other", LockOptions.defaults())) {
				assertThatThrownBy(() -> strangerLocks.tryAcquire("fresh-key", LockOptions.defaults()))
					.isInstanceOf(LockBackendException.class);
				assertThat(held.isHeld()).isTrue();
			}
		});
	}

}
