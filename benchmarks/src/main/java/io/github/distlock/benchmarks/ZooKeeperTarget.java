package io.github.distlock.benchmarks;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.distlock.backend.zookeeper.LossOn;
import io.github.distlock.backend.zookeeper.ZooKeeperLockBackend;
import io.github.distlock.benchmarks.harness.LockClient;
import io.github.distlock.benchmarks.harness.TryLock;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * The ZooKeeper backend on a standalone ZooKeeper server in its own JVM
 * ({@link ZooKeeperProcess}), so that server CPU is measured apart from the client's. The
 * floor is the minimal ephemeral-node lock through Curator's plain API: create
 * {@code /bench-floor/<key>} as an ephemeral node (taken if it exists), then delete it:
 * two round trips, no queue and no watch. Curator's lock recipes are peers.
 */
public final class ZooKeeperTarget implements BenchmarkTarget {

	private static final Pattern RECEIVED = Pattern.compile("Received: (\\d+)");

	private final ZooKeeperProcess server;

	private final AtomicLong acquisitions = new AtomicLong();

	private volatile long receivedAtLastBackend;

	public ZooKeeperTarget() throws IOException, InterruptedException {
		this.server = ZooKeeperProcess.start(Benchmarks.outputDirectory());
	}

	private CuratorFramework client() throws InterruptedException {
		CuratorFramework client = CuratorFrameworkFactory.builder()
			.connectString(this.server.connectString())
			.sessionTimeoutMs(30_000)
			.connectionTimeoutMs(15_000)
			.retryPolicy(new ExponentialBackoffRetry(1000, 3))
			.build();
		client.start();
		if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
			client.close();
			throw new IllegalStateException("Could not connect to ZooKeeper at " + this.server.connectString());
		}
		return client;
	}

	@Override
	public String name() {
		return "zookeeper";
	}

	@Override
	public String floorDescription() {
		return "Curator create ephemeral node + delete";
	}

	@Override
	public LockClient newFloorClient() throws Exception {
		CuratorFramework client = client();
		client.createContainers("/bench-floor");
		TryLock tryLock = (key) -> {
			String path = "/bench-floor/" + key;
			try {
				client.create().withMode(CreateMode.EPHEMERAL).forPath(path);
			}
			catch (KeeperException.NodeExistsException busy) {
				return Optional.empty();
			}
			return Optional.of(() -> client.delete().forPath(path));
		};
		return tryLock.retryingClient(client::close);
	}

	@Override
	public LockBackend newBackend() throws Exception {
		ZooKeeperLockBackend backend = new ZooKeeperLockBackend(client(), "/distlock-bench", LossOn.SUSPENDED, true);
		this.acquisitions.set(0);
		this.receivedAtLastBackend = packetsReceived();
		// Counts acquisitions for the packets-per-acquisition figure; one increment,
		// nothing else.
		return new LockBackend() {

			@Override
			public String name() {
				return backend.name();
			}

			@Override
			public Optional<BackendLock> tryAcquire(LockRequest request) throws InterruptedException {
				Optional<BackendLock> lease = backend.tryAcquire(request);
				if (lease.isPresent()) {
					ZooKeeperTarget.this.acquisitions.incrementAndGet();
				}
				return lease;
			}

			@Override
			public void close() {
				backend.close();
			}

		};
	}

	@Override
	public List<Long> serverPids() {
		return List.of(this.server.pid());
	}

	@Override
	public Optional<String> peerEndpoint() {
		return Optional.of(this.server.connectString());
	}

	/**
	 * Packets the server received per acquisition since the last backend was made (a
	 * scenario makes its instances just before it starts). Waiters watch their
	 * predecessor, so the figure is bounded whatever the wait: a polling waiter would add
	 * packets in proportion to its wait.
	 */
	@Override
	public String pollingEvidence() throws Exception {
		long packets = packetsReceived() - this.receivedAtLastBackend;
		long acquired = this.acquisitions.get();
		return String.format(
				"the server received %d packets for %d acquisitions (ZooKeeper 'srvr'): %.2f per "
						+ "acquisition; 3 when uncontended (create, getChildren, delete), 5 for a waiter woken by its "
						+ "watch (+ getData with watch, getChildren)",
				packets, acquired, (double) packets / Math.max(1, acquired));
	}

	private long packetsReceived() throws IOException {
		String answer = this.server.fourLetterWord("srvr");
		Matcher matcher = RECEIVED.matcher(answer);
		if (!matcher.find()) {
			throw new IllegalStateException("No packet count in the answer to 'srvr': " + answer);
		}
		return Long.parseLong(matcher.group(1));
	}

	@Override
	public void close() throws InterruptedException {
		this.server.close();
	}

}
