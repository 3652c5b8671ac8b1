package io.github.distlock.it.contract;

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
import java.util.concurrent.atomic.AtomicInteger;

import io.github.distlock.InvalidLockKeyException;
import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.LostLockPolicy;
import io.github.distlock.core.LockKeys;
import io.github.distlock.core.LockListener;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockSettings;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The contract every backend passes unchanged. A subclass only says how to make an
 * independent client of its real server ({@link #newClient()}) and how to make that
 * server drop a held lock ({@link #forceLoss}); timing hooks let backends with coarse
 * ttls (etcd's whole seconds, Consul's 10s minimum) stretch the timing cases instead of
 * skipping them.
 *
 * <p>
 * Each "client" is a separate backend instance with its own connection, wrapped in its
 * own {@link DefaultLockTemplate}, as two application instances would be.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
public abstract class LockBackendContractTests {

	private final List<LockBackend> clients = new ArrayList<>();

	private final List<DefaultLockTemplate> managers = new ArrayList<>();

	/** Loss reports received by any manager of this test. */
	protected final List<String> lostReports = new CopyOnWriteArrayList<>();

	private String prefix;

	/**
	 * A new client of the backend's server, independent of every other one (own
	 * connection, session or lease). The suite closes it after the test.
	 */
	protected abstract LockBackend newClient() throws Exception;

	/**
	 * Makes the server drop the lock on {@code encodedKey} held through {@code holder},
	 * the way an expired session, a deleted key or an operator would, without telling the
	 * holder directly.
	 */
	protected abstract void forceLoss(LockBackend holder, String encodedKey) throws Exception;

	/**
	 * A short ttl the backend supports, for the expiry, renewal and loss cases.
	 */
	protected Duration shortTtl() {
		return Duration.ofSeconds(1);
	}

	/**
	 * How long after a holder stops renewing another client must be able to acquire.
	 */
	protected Duration takeoverBound(Duration ttl) {
		return ttl.multipliedBy(2).plusSeconds(3);
	}

	/**
	 * How soon a waiting client must acquire after the holder releases: prompt, well
	 * below the wait time.
	 */
	protected Duration handoffBound() {
		return Duration.ofSeconds(2);
	}

	@BeforeEach
	void uniquePrefix(TestInfo test) {
		this.prefix = test.getTestMethod().orElseThrow().getName() + ":" + UUID.randomUUID().toString().substring(0, 8)
				+ ":";
	}

	@AfterEach
	void closeClients() {
		this.managers.forEach(DefaultLockTemplate::close);
		this.clients.forEach(LockBackend::close);
	}

	/** A unique key for this test. */
	protected String key(String name) {
		return this.prefix + name;
	}

	/** A raw client, closed after the test. */
	protected LockBackend client() throws Exception {
		LockBackend client = newClient();
		this.clients.add(client);
		return client;
	}

	/** A lock template over a new client, as one application instance. */
	protected DefaultLockTemplate instance() throws Exception {
		return instance(client());
	}

	/** A lock template over the given client. */
	protected DefaultLockTemplate instance(LockBackend client) {
		LockSettings defaults = LockSettings.defaults();
		LockSettings settings = new LockSettings(Duration.ofSeconds(30), Duration.ZERO, LostLockPolicy.LOG,
				defaults.safetyMargin(), null, 2);
		DefaultLockTemplate manager = new DefaultLockTemplate(client, settings, List.of(new LockListener() {
			@Override
			public void lost(LockInfo lock, long fencingToken, String reason) {
				LockBackendContractTests.this.lostReports.add(lock.key() + ": " + reason);
			}
		}));
		this.managers.add(manager);
		return manager;
	}

	private static LockOptions wait(Duration waitTime) {
		return LockOptions.defaults().withWaitTime(waitTime);
	}

	@Test
	void mutualExclusionAcrossThreadsAndClients() throws Exception {
		DefaultLockTemplate first = instance();
		DefaultLockTemplate second = instance();
		String key = key("counter");
		int threadsPerClient = 8;
		int incrementsPerThread = 15;
		int[] counter = { 0 };
		AtomicInteger inside = new AtomicInteger();
		AtomicInteger overlaps = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(threadsPerClient * 2);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threadsPerClient * 2; t++) {
				DefaultLockTemplate manager = (t % 2 == 0) ? first : second;
				futures.add(pool.submit(() -> {
					for (int i = 0; i < incrementsPerThread; i++) {
						manager.execute(key, wait(Duration.ofSeconds(60)), () -> {
							if (inside.incrementAndGet() != 1) {
								overlaps.incrementAndGet();
							}
							int read = counter[0];
							Thread.yield();
							counter[0] = read + 1;
							inside.decrementAndGet();
						});
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(150, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(overlaps).hasValue(0);
		assertThat(counter[0]).isEqualTo(threadsPerClient * 2 * incrementsPerThread);
	}

	@Test
	void tryAcquireOnBusyKeyReturnsEmptyAfterTheWaitTime() throws Exception {
		String key = key("busy");
		try (Lease held = instance().acquire(key, wait(Duration.ZERO))) {
			DefaultLockTemplate other = instance();
			Duration waitTime = Duration.ofMillis(500);
			long start = System.nanoTime();
			Optional<Lease> attempt = other.tryAcquire(key, wait(waitTime));
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(attempt).isEmpty();
			assertThat(elapsed).isGreaterThanOrEqualTo(waitTime.minusMillis(50)).isLessThan(waitTime.plusSeconds(2));
			assertThat(other.tryAcquire(key, wait(Duration.ZERO))).isEmpty();
			assertThat(held.isHeld()).isTrue();
		}
	}

	@Test
	void waiterAcquiresPromptlyAfterRelease() throws Exception {
		String key = key("handoff");
		DefaultLockTemplate holder = instance();
		DefaultLockTemplate waiter = instance();
		Lease held = holder.acquire(key, wait(Duration.ZERO));
		CountDownLatch waiting = new CountDownLatch(1);
		long[] acquiredAt = new long[1];
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			Future<Long> token = pool.submit(() -> {
				waiting.countDown();
				try (Lease lease = waiter.acquire(key, wait(Duration.ofSeconds(30)))) {
					acquiredAt[0] = System.nanoTime();
					return lease.fencingToken();
				}
			});
			assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
			// The waiter must be blocked on the server, not merely not yet started.
			assertThat(token).isNotDone();
			await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !token.isDone());
			long releasedAt = System.nanoTime();
			held.release();
			assertThat(token.get(30, TimeUnit.SECONDS)).isGreaterThan(held.fencingToken());
			assertThat(Duration.ofNanos(acquiredAt[0] - releasedAt)).isLessThan(handoffBound());
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void releaseByAFormerHolderDoesNotFreeTheNewHolder() throws Exception {
		String key = key("stale");
		String encoded = LockKeys.encode(key);
		LockBackend staleClient = client();
		BackendLock stale = staleClient.tryAcquire(new LockRequest(encoded, Duration.ofSeconds(30), Duration.ZERO))
			.orElseThrow();
		forceLoss(staleClient, encoded);
		DefaultLockTemplate newOwner = instance();
		try (Lease current = newOwner.acquire(key, wait(takeoverBound(shortTtl())))) {
			assertThat(stale.release()).as("a stale release must report that the lock was not ours").isFalse();
			assertThat(instance().tryAcquire(key, wait(Duration.ZERO))).as("the new holder must keep the lock")
				.isEmpty();
			assertThat(current.isHeld()).isTrue();
			assertThat(current.fencingToken()).isGreaterThan(stale.fencingToken());
		}
	}

	@Test
	void releasingTwiceDoesNotFreeTheNextHolder() throws Exception {
		String key = key("twice");
		DefaultLockTemplate first = instance();
		DefaultLockTemplate second = instance();
		Lease lease = first.acquire(key, wait(Duration.ZERO));
		lease.release();
		try (Lease next = second.acquire(key, wait(Duration.ofSeconds(5)))) {
			lease.release();
			assertThat(first.tryAcquire(key, wait(Duration.ZERO))).isEmpty();
			assertThat(next.isHeld()).isTrue();
		}
	}

	@Test
	void leaseMayBeReleasedFromAnotherThread() throws Exception {
		String key = key("async");
		Lease lease = instance().acquire(key, wait(Duration.ZERO));
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			pool.submit(lease::release).get(10, TimeUnit.SECONDS);
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(lease.isHeld()).isFalse();
		try (Lease next = instance().acquire(key, wait(Duration.ofSeconds(5)))) {
			assertThat(next.isHeld()).isTrue();
		}
	}

	@Test
	void unrenewedLeaseExpiresAfterTtlAndAnotherClientAcquires() throws Exception {
		String key = key("expiry");
		Duration ttl = shortTtl();
		Lease abandoned = instance().acquire(key, LockOptions.ttl(ttl).withAutoRenew(false));
		CountDownLatch lost = new CountDownLatch(1);
		abandoned.onLost(lost::countDown);
		DefaultLockTemplate other = instance();
		assertThat(other.tryAcquire(key, wait(Duration.ZERO))).isEmpty();
		try (Lease next = other.acquire(key, wait(takeoverBound(ttl)))) {
			assertThat(abandoned.isHeld()).isFalse();
			assertThat(lost.await(5, TimeUnit.SECONDS)).as("the expired holder is told").isTrue();
			assertThat(next.fencingToken()).isGreaterThan(abandoned.fencingToken());
		}
	}

	@Test
	void renewalKeepsTheLeaseForThreeTtls() throws Exception {
		String key = key("renewal");
		Duration ttl = shortTtl();
		DefaultLockTemplate other = instance();
		try (Lease lease = instance().acquire(key, LockOptions.ttl(ttl))) {
			await().during(ttl.multipliedBy(3))
				.atMost(ttl.multipliedBy(3).plusSeconds(10))
				.pollInterval(ttl.dividedBy(4))
				.until(lease::isHeld);
			assertThat(other.tryAcquire(key, wait(Duration.ZERO))).isEmpty();
			assertThat(this.lostReports).isEmpty();
		}
		try (Lease next = other.acquire(key, wait(Duration.ofSeconds(5)))) {
			assertThat(next.isHeld()).isTrue();
		}
	}

	@Test
	void fencingTokensStrictlyIncreaseAcrossHolders() throws Exception {
		String key = key("fencing");
		DefaultLockTemplate[] instances = { instance(), instance() };
		long previous = Long.MIN_VALUE;
		for (int i = 0; i < 6; i++) {
			try (Lease lease = instances[i % 2].acquire(key, wait(Duration.ofSeconds(5)))) {
				assertThat(lease.fencingToken()).isGreaterThan(previous);
				previous = lease.fencingToken();
			}
		}
	}

	@Test
	void onLostFiresWhenTheServerDropsTheLock() throws Exception {
		String key = key("lost");
		Duration ttl = shortTtl();
		LockBackend holderClient = client();
		Lease lease = instance(holderClient).acquire(key, LockOptions.ttl(ttl));
		CountDownLatch lost = new CountDownLatch(1);
		lease.onLost(lost::countDown);
		forceLoss(holderClient, LockKeys.encode(key));
		assertThat(lost.await(takeoverBound(ttl).toMillis(), TimeUnit.MILLISECONDS)).as("onLost fires").isTrue();
		assertThat(lease.isHeld()).isFalse();
		assertThat(this.lostReports).singleElement().asString().startsWith(key + ": ");
		try (Lease next = instance().acquire(key, wait(takeoverBound(ttl)))) {
			assertThat(next.isHeld()).isTrue();
		}
		lease.release();
	}

	@Test
	void sameThreadReentersWithoutDeadlockAndReleasesOnlyWhenOutermostReleases() throws Exception {
		String key = key("reentrant");
		DefaultLockTemplate manager = instance();
		DefaultLockTemplate other = instance();
		Lease outer = manager.acquire(key, wait(Duration.ZERO));
		Lease inner = manager.acquire(key, wait(Duration.ZERO));
		assertThat(inner.fencingToken()).isEqualTo(outer.fencingToken());
		int nested = manager.execute(key, wait(Duration.ZERO), () -> 42);
		assertThat(nested).isEqualTo(42);
		inner.release();
		assertThat(outer.isHeld()).isTrue();
		assertThat(other.tryAcquire(key, wait(Duration.ZERO))).as("inner release must not free the lock").isEmpty();
		outer.release();
		try (Lease next = other.acquire(key, wait(Duration.ofSeconds(5)))) {
			assertThat(next.isHeld()).isTrue();
		}
	}

	@Test
	void keysThatArePrefixesOrLookAlikeAreIndependent() throws Exception {
		DefaultLockTemplate manager = instance();
		DefaultLockTemplate other = instance();
		try (Lease lock = manager.acquire(key("a"), wait(Duration.ZERO));
				Lease list = manager.acquireOrThrow(List.of(key("a:b"), "c"), wait(Duration.ZERO))) {
			assertThat(other.tryAcquire(key("ab"), wait(Duration.ZERO))).isPresent().get().satisfies(Lease::release);
			assertThat(other.tryAcquire(key("a/b"), wait(Duration.ZERO))).isPresent().get().satisfies(Lease::release);
			assertThat(other.tryAcquire(key("a:b,c"), wait(Duration.ZERO))).isPresent().get().satisfies(Lease::release);
			assertThat(other.tryAcquire(List.of(key("a"), "b:c"), wait(Duration.ZERO))).isPresent()
				.get()
				.satisfies(Lease::release);
			assertThat(other.tryAcquire(key("a"), wait(Duration.ZERO))).isEmpty();
			assertThat(other.tryAcquire(List.of(key("a:b"), "c"), wait(Duration.ZERO))).isEmpty();
		}
	}

	@Test
	void badKeysAreRejectedWithAClearMessage() throws Exception {
		DefaultLockTemplate manager = instance();
		assertThatThrownBy(() -> manager.acquire(null, wait(Duration.ZERO))).isInstanceOf(InvalidLockKeyException.class)
			.hasMessageContaining("null");
		assertThatThrownBy(() -> manager.acquire("", wait(Duration.ZERO))).isInstanceOf(InvalidLockKeyException.class)
			.hasMessageContaining("empty");
		assertThatThrownBy(() -> manager.acquire("  ", wait(Duration.ZERO))).isInstanceOf(InvalidLockKeyException.class)
			.hasMessageContaining("empty");
		assertThatThrownBy(() -> manager.acquire("k".repeat(513), wait(Duration.ZERO)))
			.isInstanceOf(InvalidLockKeyException.class)
			.hasMessageContaining("513 characters")
			.hasMessageContaining("512");
		String longest = key("") + "é/..".repeat((512 - key("").length()) / 4);
		try (Lease lease = manager.acquire(longest, wait(Duration.ZERO))) {
			assertThat(instance().tryAcquire(longest, wait(Duration.ZERO))).isEmpty();
			assertThat(instance().tryAcquire(longest.substring(0, longest.length() - 1), wait(Duration.ZERO)))
				.isPresent()
				.get()
				.satisfies(Lease::release);
		}
	}

}
