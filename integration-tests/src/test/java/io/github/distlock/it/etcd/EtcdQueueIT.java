package io.github.distlock.it.etcd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.LeaseOption;
import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.backend.etcd.EtcdLockBackend;
import io.github.distlock.core.LockKeys;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockSettings;
import io.github.distlock.it.servers.EtcdServer;
import io.github.distlock.it.servers.RealServersExtension;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The etcd queue as seen on the server: FIFO order, no keys left by waiters that give up,
 * a waiter behind one that gives up still waiting for the holder, a waiter whose key
 * vanished queuing again rather than taking the lock with it (etcd #11456), one lease per
 * ttl shared by all locks, and every lock on a lease told when the lease ends.
 */
@ExtendWith(RealServersExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EtcdQueueIT {

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private EtcdServer etcd;

	private Client admin;

	private String key;

	@BeforeEach
	void connect(EtcdServer etcd) {
		this.etcd = etcd;
		this.admin = EtcdTestSupport.client(etcd);
		this.key = "queue:" + UUID.randomUUID();
	}

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
		this.admin.close();
	}

	private EtcdLockBackend backend() {
		return backend(EtcdLockBackend.DEFAULT_LEASE_IDLE_TIME);
	}

	private EtcdLockBackend backend(Duration leaseIdleTime) {
		EtcdLockBackend backend = new EtcdLockBackend(EtcdTestSupport.client(this.etcd), true,
				EtcdTestSupport.NAMESPACE, EtcdTestSupport.REQUEST_TIMEOUT, leaseIdleTime);
		this.closeables.add(backend);
		return backend;
	}

	private DefaultLockTemplate instance(EtcdLockBackend backend) {
		DefaultLockTemplate manager = new DefaultLockTemplate(backend, LockSettings.defaults(), List.of());
		this.closeables.add(manager);
		return manager;
	}

	private List<KeyValue> queue() throws Exception {
		return EtcdTestSupport.queue(this.admin, LockKeys.encode(this.key));
	}

	@Test
	void waitersAcquireInTheOrderTheyQueued() throws Exception {
		EtcdLockBackend holderBackend = backend();
		Lease held = instance(holderBackend).acquire(this.key, LockOptions.defaults());
		List<Integer> order = new CopyOnWriteArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(5);
		try {
			List<Future<?>> waiters = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				int index = i;
				DefaultLockTemplate waiter = instance(backend());
				waiters.add(pool.submit(() -> waiter.execute(this.key,
						LockOptions.defaults().withWaitTime(Duration.ofSeconds(60)), () -> order.add(index))));
				// Queued on the server (its key is there) before the next one starts.
				await().atMost(Duration.ofSeconds(20)).until(() -> queue().size() == index + 2);
			}
			assertThat(order).isEmpty();
			held.release();
			for (Future<?> waiter : waiters) {
				waiter.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(order).containsExactly(0, 1, 2, 3, 4);
		assertThat(queue()).isEmpty();
	}

	@Test
	void waitersThatGiveUpLeaveNoKeyBehind() throws Exception {
		EtcdLockBackend holderBackend = backend();
		try (Lease held = instance(holderBackend).acquire(this.key, LockOptions.defaults())) {
			DefaultLockTemplate other = instance(backend());
			assertThat(other.tryAcquire(this.key, LockOptions.defaults().withWaitTime(Duration.ofMillis(700))))
				.isEmpty();
			assertThat(other.tryAcquire(this.key, LockOptions.defaults())).isEmpty();
			assertThat(queue()).singleElement()
				.satisfies(
						(kv) -> assertThat(kv.getCreateRevision()).as("the lease token's backend part (Semantics 16)")
							.isEqualTo(held.fencingToken() >> 10));
		}
		assertThat(queue()).isEmpty();
	}

	@Test
	void aWaiterBehindAWaiterThatGivesUpWaitsOnForTheHolder() throws Exception {
		Lease held = instance(backend()).acquire(this.key, LockOptions.defaults());
		AtomicBoolean holderReleased = new AtomicBoolean();
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			DefaultLockTemplate impatient = instance(backend());
			Future<Optional<Lease>> givesUp = pool.submit(
					() -> impatient.tryAcquire(this.key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(2))));
			await().atMost(Duration.ofSeconds(20)).until(() -> queue().size() == 2);
			DefaultLockTemplate patient = instance(backend());
			Future<Boolean> afterTheHolder = pool.submit(() -> patient.execute(this.key,
					LockOptions.defaults().withWaitTime(Duration.ofSeconds(60)), holderReleased::get));
			await().atMost(Duration.ofSeconds(20)).until(() -> queue().size() == 3);
			assertThat(givesUp.get(20, TimeUnit.SECONDS)).isEmpty();
			// The key ahead was not the holder's: still not our turn.
			await().during(Duration.ofMillis(500))
				.atMost(Duration.ofSeconds(5))
				.until(() -> !afterTheHolder.isDone() && queue().size() == 2);
			holderReleased.set(true);
			held.release();
			assertThat(afterTheHolder.get(20, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(queue()).isEmpty();
	}

	@Test
	void aWaiterWhoseKeyWasDeletedQueuesAgainRatherThanTakingTheLockWithIt() throws Exception {
		Lease held = instance(backend()).acquire(this.key, LockOptions.defaults());
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			DefaultLockTemplate waiter = instance(backend());
			Future<Lease> next = pool
				.submit(() -> waiter.acquire(this.key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(60))));
			await().atMost(Duration.ofSeconds(20)).until(() -> queue().size() == 2);
			KeyValue deleted = queue().get(1);
			this.admin.getKVClient().delete(deleted.getKey()).get(10, TimeUnit.SECONDS);
			held.release();
			try (Lease lease = next.get(20, TimeUnit.SECONDS)) {
				// etcd #11456: our key is gone, so the release was not our turn.
				KeyValue requeued = queue().get(0);
				assertThat(queue()).hasSize(1);
				assertThat(requeued.getCreateRevision()).isGreaterThan(deleted.getCreateRevision());
				assertThat(lease.fencingToken() >> 10).as("the token of the key it queued with again")
					.isEqualTo(requeued.getCreateRevision());
				assertThat(instance(backend()).tryAcquire(this.key, LockOptions.defaults())).isEmpty();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void anInterruptedWaitersKeyIsRemovedInTheBackground() throws Exception {
		EtcdLockBackend holderBackend = backend();
		try (Lease held = instance(holderBackend).acquire(this.key, LockOptions.defaults())) {
			DefaultLockTemplate other = instance(backend());
			CountDownLatch interrupted = new CountDownLatch(1);
			Thread waiter = new Thread(() -> {
				try {
					other.tryAcquire(this.key,
							LockOptions.ttl(Duration.ofSeconds(3)).withWaitTime(Duration.ofSeconds(60)));
				}
				catch (RuntimeException ex) {
					interrupted.countDown();
				}
			});
			waiter.start();
			await().atMost(Duration.ofSeconds(20)).until(() -> queue().size() == 2);
			waiter.interrupt();
			assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
			// Deleted after the waiter's lease's next keepalive, a third of the ttl
			// later.
			await().atMost(Duration.ofSeconds(10)).until(() -> queue().size() == 1);
			assertThat(held.isHeld()).isTrue();
		}
	}

	@Test
	void locksWithTheSameTtlShareOneLeaseThatIsRevokedWhenIdle() throws Exception {
		EtcdLockBackend backend = backend(Duration.ofSeconds(1));
		Duration ttl = Duration.ofSeconds(5);
		BackendLock first = backend.tryAcquire(new LockRequest(LockKeys.encode(this.key + "1"), ttl, Duration.ZERO))
			.orElseThrow();
		BackendLock second = backend.tryAcquire(new LockRequest(LockKeys.encode(this.key + "2"), ttl, Duration.ZERO))
			.orElseThrow();
		BackendLock other = backend
			.tryAcquire(new LockRequest(LockKeys.encode(this.key + "3"), Duration.ofSeconds(7), Duration.ZERO))
			.orElseThrow();
		long lease = leaseOf(this.key + "1");
		assertThat(leaseOf(this.key + "2")).isEqualTo(lease);
		assertThat(leaseOf(this.key + "3")).isNotEqualTo(lease);
		assertThat(this.admin.getLeaseClient()
			.timeToLive(lease, LeaseOption.DEFAULT)
			.get(10, TimeUnit.SECONDS)
			.getGrantedTTL()).isEqualTo(5);
		assertThat(first.release()).isTrue();
		assertThat(second.release()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> !leaseExists(lease));
		assertThat(leaseExists(leaseOf(this.key + "3"))).as("a lease still in use is kept").isTrue();
		assertThat(other.release()).isTrue();
	}

	@Test
	void everyLockOnALeaseIsToldWhenTheLeaseEnds() throws Exception {
		EtcdLockBackend backend = backend();
		DefaultLockTemplate manager = instance(backend);
		LockOptions options = LockOptions.ttl(Duration.ofSeconds(10));
		Lease first = manager.acquire(this.key + "1", options);
		Lease second = manager.acquire(this.key + "2", options);
		CountDownLatch lost = new CountDownLatch(2);
		first.onLost(lost::countDown);
		second.onLost(lost::countDown);
		long revoked = leaseOf(this.key + "1");
		this.admin.getLeaseClient().revoke(revoked).get(10, TimeUnit.SECONDS);
		assertThat(lost.await(10, TimeUnit.SECONDS)).as("both locks on the revoked lease are lost").isTrue();
		assertThat(first.isHeld()).isFalse();
		assertThat(second.isHeld()).isFalse();
		first.release();
		second.release();
		// The next lock gets a new lease.
		try (Lease next = manager.acquire(this.key + "1", options)) {
			assertThat(leaseOf(this.key + "1")).isNotEqualTo(revoked);
			assertThat(next.fencingToken()).isGreaterThan(first.fencingToken());
		}
	}

	@Test
	void aLockKeyDeletedOnTheServerIsReportedLostAtRenewal() throws Exception {
		EtcdLockBackend backend = backend();
		Lease held = instance(backend).acquire(this.key, LockOptions.ttl(Duration.ofSeconds(3)));
		CountDownLatch lost = new CountDownLatch(1);
		held.onLost(lost::countDown);
		this.admin.getKVClient().delete(queue().get(0).getKey()).get(10, TimeUnit.SECONDS);
		assertThat(lost.await(10, TimeUnit.SECONDS)).isTrue();
		Optional<Lease> next = instance(backend()).tryAcquire(this.key, LockOptions.defaults());
		assertThat(next).isPresent();
		next.get().release();
		held.release();
	}

	private long leaseOf(String lockKey) throws Exception {
		return EtcdTestSupport.queue(this.admin, LockKeys.encode(lockKey)).get(0).getLease();
	}

	private boolean leaseExists(long lease) throws Exception {
		return this.admin.getLeaseClient()
			.timeToLive(lease, LeaseOption.DEFAULT)
			.get(10, TimeUnit.SECONDS)
			.getTTL() > 0;
	}

}
