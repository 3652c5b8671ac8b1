package io.github.distlock.it.zookeeper;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.distlock.backend.zookeeper.LossOn;
import io.github.distlock.backend.zookeeper.ZooKeeperLockBackend;
import io.github.distlock.core.LockKeys;
import io.github.distlock.it.servers.Dedicated;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.it.servers.ZooKeeperServer;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockRequest;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An acquisition sends the key's children read right behind the create of its node. The
 * read is used only when it saw the node: when the key node (or the base path) was
 * missing, Curator creates it and retries the create after the read, and the backend
 * reads again; either way the fencing token is the node's czxid. A contended attempt
 * queues and cleans up as before, and a node whose create answers only after the
 * acquiring thread gave up is deleted when the answer comes.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ZooKeeperPipelinedAcquireIT {

	private static final Duration TTL = Duration.ofSeconds(30);

	private final ZooKeeperServer server;

	ZooKeeperPipelinedAcquireIT(ZooKeeperServer server) {
		this.server = server;
	}

	private static LockRequest request(String encodedKey, Duration waitTime) {
		return new LockRequest(encodedKey, TTL, waitTime);
	}

	private static long czxidOfOnlyChild(CuratorFramework operator, String keyPath) throws Exception {
		List<String> nodes = operator.getChildren().forPath(keyPath);
		assertThat(nodes).as("lock nodes of " + keyPath).hasSize(1);
		return operator.checkExists().forPath(keyPath + "/" + nodes.get(0)).getCzxid();
	}

	@Test
	void firstLockUnderAMissingBasePathCreatesItAndEveryTokenIsTheNodeCzxid() throws Exception {
		String basePath = "/distlock-it-fresh-" + UUID.randomUUID();
		String key = LockKeys.encode("first");
		String keyPath = basePath + "/" + key;
		try (CuratorFramework operator = ZooKeeperTestClients.client(this.server, ZooKeeperTestClients.SESSION_TIMEOUT);
				ZooKeeperLockBackend backend = new ZooKeeperLockBackend(
						ZooKeeperTestClients.client(this.server, ZooKeeperTestClients.SESSION_TIMEOUT), basePath,
						LossOn.SUSPENDED, true)) {
			assertThat(operator.checkExists().forPath(basePath)).isNull();

			BackendLock first = backend.tryAcquire(request(key, Duration.ZERO)).orElseThrow();
			assertThat(first.fencingToken()).isEqualTo(czxidOfOnlyChild(operator, keyPath));

			// The base path exists now, this key's node does not yet.
			String otherKeyPath = basePath + "/" + LockKeys.encode("second");
			BackendLock other = backend.tryAcquire(request(LockKeys.encode("second"), Duration.ZERO)).orElseThrow();
			assertThat(other.fencingToken()).isEqualTo(czxidOfOnlyChild(operator, otherKeyPath))
				.isGreaterThan(first.fencingToken());

			assertThat(first.release()).isTrue();
			assertThat(operator.getChildren().forPath(keyPath)).isEmpty();
			// The key node exists: this time the pipelined read is the one used.
			BackendLock again = backend.tryAcquire(request(key, Duration.ZERO)).orElseThrow();
			assertThat(again.fencingToken()).isEqualTo(czxidOfOnlyChild(operator, keyPath))
				.isGreaterThan(other.fencingToken());
			assertThat(again.release()).isTrue();
			assertThat(other.release()).isTrue();
		}
	}

	@Test
	void busyKeyLeavesNoNodeBehindAndAQueuedWaiterFollowsWithAHigherToken() throws Exception {
		String key = LockKeys.encode("busy-" + UUID.randomUUID());
		String keyPath = ZooKeeperTestClients.BASE_PATH + "/" + key;
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try (ZooKeeperLockBackend holder = ZooKeeperTestClients.backend(this.server,
				ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.SUSPENDED);
				ZooKeeperLockBackend waiter = ZooKeeperTestClients.backend(this.server,
						ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.SUSPENDED);
				CuratorFramework operator = ZooKeeperTestClients.client(this.server,
						ZooKeeperTestClients.SESSION_TIMEOUT)) {
			BackendLock held = holder.tryAcquire(request(key, Duration.ZERO)).orElseThrow();
			long heldCzxid = czxidOfOnlyChild(operator, keyPath);

			assertThat(waiter.tryAcquire(request(key, Duration.ZERO))).isEmpty();
			assertThat(czxidOfOnlyChild(operator, keyPath)).as("only the holder's node is left").isEqualTo(heldCzxid);

			Future<Optional<BackendLock>> queued = pool.submit(() -> waiter.tryAcquire(request(key, TTL)));
			await().atMost(Duration.ofSeconds(10)).until(() -> operator.getChildren().forPath(keyPath).size() == 2);
			assertThat(queued).as("queued behind the holder").isNotDone();
			assertThat(held.release()).isTrue();

			BackendLock next = queued.get(10, TimeUnit.SECONDS).orElseThrow();
			assertThat(next.fencingToken()).isGreaterThan(held.fencingToken())
				.isEqualTo(czxidOfOnlyChild(operator, keyPath));
			assertThat(next.release()).isTrue();
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void nodeWhoseCreateAnswersAfterTheAcquirerWasInterruptedIsDeleted(@Dedicated ZooKeeperServer server)
			throws Exception {
		String key = LockKeys.encode("late-" + UUID.randomUUID());
		String keyPath = ZooKeeperTestClients.BASE_PATH + "/" + key;
		// Connected past the proxy, so that stalling the backend's link leaves it alone.
		try (CuratorFramework operator = ZooKeeperTestClients.directClient(server,
				ZooKeeperTestClients.SESSION_TIMEOUT);
				ZooKeeperLockBackend backend = ZooKeeperTestClients.backend(server,
						ZooKeeperTestClients.SESSION_TIMEOUT, LossOn.LOST)) {
			// Persistent, unlike the container a lock creates, so that its child version
			// counts the create and the delete of the lock node.
			operator.create().creatingParentsIfNeeded().forPath(keyPath);
			int childVersionBefore = operator.checkExists().forPath(keyPath).getCversion();

			CompletableFuture<Throwable> outcome = new CompletableFuture<>();
			Thread acquirer = new Thread(() -> {
				try {
					outcome.complete(new AssertionError("acquired " + backend.tryAcquire(request(key, TTL))));
				}
				catch (Throwable ex) {
					outcome.complete(ex);
				}
			}, "late-create-acquirer");
			server.pause();
			try {
				acquirer.start();
				// Its first timed wait is the one for the create's answer.
				await().atMost(Duration.ofSeconds(10)).until(() -> acquirer.getState() == Thread.State.TIMED_WAITING);
				acquirer.interrupt();
				assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
				assertThat(operator.checkExists().forPath(keyPath).getNumChildren())
					.as("the create is still held up in the stalled link")
					.isZero();
			}
			finally {
				server.resume();
			}

			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				Stat keyNode = operator.checkExists().forPath(keyPath);
				assertThat(keyNode.getCversion()).as("created and deleted").isEqualTo(childVersionBefore + 2);
				assertThat(keyNode.getNumChildren()).isZero();
			});
			BackendLock free = backend.tryAcquire(request(key, Duration.ZERO)).orElseThrow();
			assertThat(free.release()).as("the key was free").isTrue();
		}
	}

}
