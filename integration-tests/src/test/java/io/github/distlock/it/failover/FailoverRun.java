package io.github.distlock.it.failover;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.github.distlock.Lease;
import io.github.distlock.LockNotAcquiredException;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Contenders in several clients (each a lock template of its own, as separate application
 * instances would have) increment one counter under one lock while a fault is injected;
 * the protected resource checks what a correct lock promises.
 *
 * <p>
 * The resource records: an entry while another holder is inside whose
 * {@link Lease#isHeld()} is still true (an overlap with no loss signal at the old
 * holder); a fencing token not above the last one admitted; and a counter incremented
 * read-then-write, so that any write by two holders at once shows as a lost update. A
 * holder writes only if {@code isHeld()} right before the write, as the README advises.
 * Every wait is bounded; nothing asserts a timing: the recovery figures are measured and
 * printed.
 */
final class FailoverRun {

	private static final Duration WRITE_TIME = Duration.ofMillis(2);

	private final String key;

	private final LockOptions options;

	private final List<LockTemplate> clients;

	private final int threadsPerClient;

	private final AtomicBoolean stop = new AtomicBoolean();

	private final List<Thread> threads = new ArrayList<>();

	private final List<Throwable> errors = new CopyOnWriteArrayList<>();

	private final List<String> violations = new CopyOnWriteArrayList<>();

	private final AtomicInteger writes = new AtomicInteger();

	private final AtomicInteger notAcquired = new AtomicInteger();

	private final AtomicInteger skippedWrites = new AtomicInteger();

	private final AtomicLong lastWriteNanos = new AtomicLong();

	private final List<Lease> inside = new ArrayList<>();

	private long lastToken = Long.MIN_VALUE;

	private volatile int counter;

	private volatile long faultAtNanos;

	private volatile String faultLabel;

	private final Map<String, Duration> recoveries = new LinkedHashMap<>();

	private final AtomicLong firstWriteAfterFaultNanos = new AtomicLong();

	private final AtomicLong longestGapNanos = new AtomicLong();

	FailoverRun(String key, LockOptions options, List<LockTemplate> clients, int threadsPerClient) {
		this.key = key;
		this.options = options;
		this.clients = clients;
		this.threadsPerClient = threadsPerClient;
	}

	/**
	 * Starts the contenders.
	 */
	FailoverRun start() {
		this.lastWriteNanos.set(System.nanoTime());
		for (int c = 0; c < this.clients.size(); c++) {
			for (int t = 0; t < this.threadsPerClient; t++) {
				LockTemplate client = this.clients.get(c);
				Thread thread = new Thread(() -> contend(client), "failover-client" + c + "-" + t);
				thread.setDaemon(true);
				this.threads.add(thread);
				thread.start();
			}
		}
		return this;
	}

	/**
	 * Waits until {@code count} more writes have been made, at most {@code bound}.
	 */
	FailoverRun awaitWrites(int count, Duration bound) {
		int target = this.writes.get() + count;
		await("" + count + " more locked writes").atMost(bound)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> this.writes.get() >= target || !this.errors.isEmpty());
		assertThat(this.errors).as("errors that reached a caller whose waitTime outlasts the election").isEmpty();
		return this;
	}

	/**
	 * Runs the fault and starts the recovery clock when it returns.
	 */
	FailoverRun inject(String label, Runnable fault) {
		recordRecovery();
		fault.run();
		this.firstWriteAfterFaultNanos.set(0);
		this.faultLabel = label;
		this.faultAtNanos = System.nanoTime();
		return this;
	}

	private void recordRecovery() {
		long firstWrite = this.firstWriteAfterFaultNanos.get();
		if (this.faultLabel != null) {
			assertThat(firstWrite).as("a write after " + this.faultLabel).isNotZero();
			this.recoveries.put(this.faultLabel, Duration.ofNanos(firstWrite - this.faultAtNanos));
		}
	}

	/**
	 * Stops the contenders, waits for them, and asserts what the lock promises.
	 */
	Figures finish() throws InterruptedException {
		this.stop.set(true);
		for (Thread thread : this.threads) {
			thread.join(TimeUnit.MINUTES.toMillis(1));
			assertThat(thread.isAlive()).as(thread.getName() + " stopped").isFalse();
		}
		assertThat(this.errors).as("errors that reached a caller whose waitTime outlasts the election").isEmpty();
		assertThat(this.violations).as("overlaps without a loss signal, tokens going backwards").isEmpty();
		assertThat(this.counter).as("exact counter: no lost update").isEqualTo(this.writes.get());
		recordRecovery();
		Figures figures = new Figures(this.writes.get(), this.notAcquired.get(), this.skippedWrites.get(),
				Map.copyOf(this.recoveries), Duration.ofNanos(this.longestGapNanos.get()));
		System.out.println("FAILOVER " + this.key + ": " + figures);
		return figures;
	}

	private void contend(LockTemplate client) {
		while (!this.stop.get()) {
			try (Lease lease = client.acquire(this.key, this.options)) {
				enter(lease);
				try {
					if (lease.isHeld()) {
						write();
					}
					else {
						this.skippedWrites.incrementAndGet();
					}
				}
				finally {
					leave(lease);
				}
			}
			catch (LockNotAcquiredException ex) {
				this.notAcquired.incrementAndGet();
			}
			catch (RuntimeException | Error ex) {
				this.errors.add(ex);
				return;
			}
		}
	}

	private synchronized void enter(Lease lease) {
		for (Lease other : this.inside) {
			if (other.isHeld()) {
				this.violations.add("token " + lease.fencingToken() + " entered while token " + other.fencingToken()
						+ " was inside and still held");
			}
		}
		if (lease.fencingToken() <= this.lastToken) {
			this.violations.add("token " + lease.fencingToken() + " admitted after " + this.lastToken);
		}
		this.lastToken = Math.max(this.lastToken, lease.fencingToken());
		this.inside.add(lease);
	}

	private synchronized void leave(Lease lease) {
		this.inside.remove(lease);
	}

	private void write() {
		int read = this.counter;
		LockSupport.parkNanos(WRITE_TIME.toNanos());
		this.counter = read + 1;
		long now = System.nanoTime();
		long previous = this.lastWriteNanos.getAndSet(now);
		this.longestGapNanos.accumulateAndGet(now - previous, Math::max);
		if (this.faultAtNanos != 0) {
			this.firstWriteAfterFaultNanos.compareAndSet(0, now);
		}
		this.writes.incrementAndGet();
	}

	/**
	 * What a run measured.
	 *
	 * @param writes locked writes made
	 * @param notAcquired acquisitions that waited their whole wait time
	 * @param skippedWrites writes skipped because {@code isHeld()} was false
	 * @param recoveries per fault, from its end to the first write after it
	 * @param longestGap the longest time without a write
	 */
	record Figures(int writes, int notAcquired, int skippedWrites, Map<String, Duration> recoveries,
			Duration longestGap) {
	}

}
