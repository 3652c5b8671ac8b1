package io.github.distlock.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.distlock.DistributedLocks;
import io.github.distlock.Lease;
import io.github.distlock.LockNotAcquiredException;
import io.github.distlock.LockOptions;
import io.github.distlock.MultiLease;
import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.backend.local.LocalLockStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keys locked together are taken in one global order, so opposite orders never deadlock;
 * a partial acquisition is rolled back; each key has its own lease.
 */
@Timeout(30)
class MultiKeyLockTests {

	private final LocalLockStore store = new LocalLockStore();

	private final DefaultLockTemplate instance = new DefaultLockTemplate(new LocalLockBackend(this.store),
			LockSettings.defaults(), List.of());

	private final DefaultLockTemplate otherInstance = new DefaultLockTemplate(new LocalLockBackend(this.store),
			LockSettings.defaults(), List.of());

	private final ExecutorService pool = Executors.newFixedThreadPool(2);

	@AfterEach
	void close() {
		this.pool.shutdownNow();
		this.instance.close();
		this.otherInstance.close();
	}

	@Test
	void oppositeOrdersOnTwoInstancesFinishWithoutDeadlock() throws Exception {
		LockOptions wait = LockOptions.defaults().withWaitTime(Duration.ofSeconds(10));
		int[] counter = new int[1];
		Future<?> forward = this.pool.submit(() -> repeat(this.instance, List.of("a", "b"), wait, counter));
		Future<?> backward = this.pool.submit(() -> repeat(this.otherInstance, List.of("b", "a"), wait, counter));
		forward.get(20, TimeUnit.SECONDS);
		backward.get(20, TimeUnit.SECONDS);
		assertThat(counter[0]).as("every locked increment counted: no overlap").isEqualTo(400);
	}

	@Test
	void aPartialAcquisitionIsRolledBack() {
		try (Lease busy = this.otherInstance.acquire("b", LockOptions.defaults())) {
			assertThatThrownBy(() -> this.instance.acquireAll(List.of("a", "b"), LockOptions.defaults()))
				.isInstanceOf(LockNotAcquiredException.class);
			assertThat(this.instance.heldLocks()).as("'a' released again").isEmpty();
			assertThat(this.otherInstance.tryAcquire("a", LockOptions.defaults())).isPresent()
				.get()
				.satisfies(Lease::release);
		}
	}

	@Test
	void eachKeyHasItsLeaseAndTokenAndAllAreReleased() {
		MultiLease leases = this.instance.acquireAll(List.of("z", "a", "z"), LockOptions.defaults());
		assertThat(leases.leases()).extracting(Lease::key)
			.as("distinct, in the global order")
			.containsExactly("a", "z");
		assertThat(leases.lease("z").fencingToken()).isPositive();
		assertThat(leases.isHeld()).isTrue();
		assertThatThrownBy(() -> leases.lease("q")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("[a, z]");
		leases.release();
		assertThat(leases.isHeld()).isFalse();
		assertThat(this.instance.heldLocks()).isEmpty();
	}

	@Test
	void executeAllBindsEveryKeysLease() {
		long[] tokens = this.instance.executeAll(List.of("x", "y"), LockOptions.defaults(),
				() -> new long[] { DistributedLocks.currentLease("x").orElseThrow().fencingToken(),
						DistributedLocks.currentLease("y").orElseThrow().fencingToken() });
		assertThat(tokens[0]).isPositive();
		assertThat(tokens[1]).isPositive().isNotEqualTo(tokens[0]);
		assertThat(DistributedLocks.currentLease("x")).isEmpty();
	}

	private static void repeat(DefaultLockTemplate locks, List<String> keys, LockOptions options, int[] counter) {
		for (int i = 0; i < 200; i++) {
			locks.executeAll(keys, options, () -> {
				int read = counter[0];
				Thread.yield();
				counter[0] = read + 1;
				return null;
			});
		}
	}

}
