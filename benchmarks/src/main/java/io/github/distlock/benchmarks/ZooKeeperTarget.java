package io.github.distlock.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.distlock.backend.zookeeper.LossOn;
import io.github.distlock.backend.zookeeper.ZooKeeperLockBackend;
import io.github.distlock.it.servers.Servers;
import io.github.distlock.it.servers.ZooKeeperServer;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessLock;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * The ZooKeeper backend against Curator's {@link InterProcessMutex} (create, getChildren,
 * delete: three round trips), on an in-process server that both connect to directly (not
 * through the test proxy).
 *
 * <p>
 * With {@code -Ddistlock.bench.zookeeper.floor=semaphore-mutex} the floor is
 * {@link InterProcessSemaphoreMutex} instead: the thread-free recipe the backend could
 * have wrapped, which shows what that choice would have cost.
 */
public final class ZooKeeperTarget implements BenchmarkTarget {

	private static final Pattern RECEIVED = Pattern.compile("Received: (\\d+)");

	private final ZooKeeperServer server = Servers.zooKeeper();

	private final boolean semaphoreFloor = "semaphore-mutex"
		.equals(System.getProperty("distlock.bench.zookeeper.floor", "mutex"));

	private final CuratorFramework floorClient;

	private final Map<String, InterProcessLock> floorLocks = new ConcurrentHashMap<>();

	private final List<ZooKeeperLockBackend> backends = new CopyOnWriteArrayList<>();

	private final AtomicLong acquisitions = new AtomicLong();

	private volatile long receivedAtLastBackend;

	public ZooKeeperTarget() throws Exception {
		this.floorClient = client();
	}

	private CuratorFramework client() throws InterruptedException {
		CuratorFramework client = CuratorFrameworkFactory.builder()
			.connectString("127.0.0.1:" + this.server.serverPort())
			.sessionTimeoutMs(30_000)
			.connectionTimeoutMs(15_000)
			.retryPolicy(new ExponentialBackoffRetry(1000, 3))
			.build();
		client.start();
		if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Could not connect to " + this.server);
		}
		return client;
	}

	@Override
	public String name() {
		return "zookeeper";
	}

	@Override
	public String floorDescription() {
		return this.semaphoreFloor ? "Curator InterProcessSemaphoreMutex acquire+release"
				: "Curator InterProcessMutex acquire+release: create, getChildren, delete";
	}

	@Override
	public void floorAcquireRelease(String key) throws Exception {
		InterProcessLock lock = this.floorLocks.computeIfAbsent(key,
				(k) -> this.semaphoreFloor ? new InterProcessSemaphoreMutex(this.floorClient, "/bench-floor/" + k)
						: new InterProcessMutex(this.floorClient, "/bench-floor/" + k));
		lock.acquire();
		lock.release();
	}

	@Override
	public LockBackend newBackend() throws Exception {
		ZooKeeperLockBackend backend = new ZooKeeperLockBackend(client(), "/distlock-bench", LossOn.SUSPENDED, true);
		this.backends.add(backend);
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

		};
	}

	/**
	 * Packets the server received per acquisition since the last backend was made (the
	 * contended run makes its two just before it starts). Waiters watch their
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
		try (Socket socket = new Socket("127.0.0.1", this.server.serverPort())) {
			OutputStream out = socket.getOutputStream();
			out.write("srvr".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			InputStream in = socket.getInputStream();
			in.transferTo(answer);
			Matcher matcher = RECEIVED.matcher(answer.toString(StandardCharsets.US_ASCII));
			if (!matcher.find()) {
				throw new IllegalStateException("No packet count in the answer to 'srvr': " + answer);
			}
			return Long.parseLong(matcher.group(1));
		}
	}

	@Override
	public void close() {
		this.backends.forEach(ZooKeeperLockBackend::close);
		this.floorClient.close();
		this.server.close();
	}

}
