package io.github.distlock.benchmarks.peers;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.distlock.benchmarks.harness.Contender;
import io.github.distlock.benchmarks.harness.Contender.Role;
import io.github.distlock.benchmarks.harness.LockClient;
import io.github.distlock.benchmarks.harness.TryLock;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.zookeeper.curator.ZookeeperCuratorLockProvider;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessLock;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.springframework.integration.zookeeper.lock.ZookeeperLockRegistry;

/**
 * The ZooKeeper peers: Curator's {@code InterProcessMutex} and
 * {@code InterProcessSemaphoreMutex}, Spring Integration's {@code ZookeeperLockRegistry}
 * and ShedLock's Curator provider, each instance with its own Curator client (session).
 */
final class ZooKeeperPeers {

	private static final long WAIT_SECONDS = TryLock.WAIT_LIMIT.toSeconds();

	private ZooKeeperPeers() {
	}

	static List<Contender> contenders(String connectString) {
		return List.of(
				new Contender("Curator InterProcessMutex", Role.PEER,
						"one recipe per path shared by the threads; acquire(wait)", () -> recipe(connectString, false)),
				new Contender("Curator InterProcessSemaphoreMutex", Role.PEER,
						"one recipe per path and thread; acquire(wait)", () -> recipe(connectString, true)),
				new Contender("Spring Integration ZookeeperLockRegistry", Role.PEER, "obtain(key).tryLock(wait)",
						() -> registry(connectString)),
				new Contender("ShedLock ZooKeeper Curator (try-only)", Role.PEER,
						"try-only: LockProvider.lock retried every 1 ms by the benchmark",
						() -> shedLock(connectString)));
	}

	private static CuratorFramework curator(String connectString) throws InterruptedException {
		CuratorFramework client = CuratorFrameworkFactory.newClient(connectString, 30_000, 15_000,
				new ExponentialBackoffRetry(1000, 3));
		client.start();
		if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
			client.close();
			throw new IllegalStateException("Could not connect to ZooKeeper at " + connectString);
		}
		return client;
	}

	/**
	 * InterProcessMutex is documented as thread-aware and is shared; the semaphore mutex
	 * keeps one lease per object, so each thread gets its own.
	 */
	private static LockClient recipe(String connectString, boolean semaphore) throws InterruptedException {
		CuratorFramework client = curator(connectString);
		Map<String, InterProcessLock> recipes = new ConcurrentHashMap<>();
		return LockClient.of((key) -> {
			String path = "/curator-bench/" + key;
			InterProcessLock lock = semaphore
					? recipes.computeIfAbsent(path + "#" + Thread.currentThread().getId(),
							(k) -> new InterProcessSemaphoreMutex(client, path))
					: recipes.computeIfAbsent(path, (k) -> new InterProcessMutex(client, path));
			if (!lock.acquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Curator did not acquire " + path + " in " + WAIT_SECONDS + " s");
			}
			return lock::release;
		}, client::close);
	}

	private static LockClient registry(String connectString) throws InterruptedException {
		CuratorFramework client = curator(connectString);
		ZookeeperLockRegistry registry = new ZookeeperLockRegistry(client, "/si-bench");
		return JucLocks.client("ZookeeperLockRegistry", registry::obtain, () -> {
			registry.destroy();
			client.close();
		});
	}

	private static LockClient shedLock(String connectString) throws InterruptedException {
		CuratorFramework client = curator(connectString);
		ZookeeperCuratorLockProvider provider = new ZookeeperCuratorLockProvider(client);
		TryLock tryLock = (key) -> provider
			.lock(new LockConfiguration(Instant.now(), key, Duration.ofSeconds(30), Duration.ZERO))
			.map((SimpleLock lock) -> lock::unlock);
		return tryLock.retryingClient(client::close);
	}

}
