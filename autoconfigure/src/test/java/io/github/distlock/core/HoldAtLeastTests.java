package io.github.distlock.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.backend.local.LocalLockStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * A lock with {@code holdAtLeast} stays held after its work ended until that long after
 * its acquisition, then is free; the remainder is left to the server's expiry on a
 * backend that keeps one, so it outlives a shutdown.
 */
@Timeout(30)
class HoldAtLeastTests {

	private final LocalLockStore store = new LocalLockStore();

	private final LocalLockBackend backend = new LocalLockBackend(this.store);

	private final DefaultLockTemplate instance = new DefaultLockTemplate(this.backend, LockSettings.defaults(),
			List.of());

	private final DefaultLockTemplate otherInstance = new DefaultLockTemplate(new LocalLockBackend(this.store),
			LockSettings.defaults(), List.of());

	private final LockOptions job = LockOptions.ttl(Duration.ofSeconds(10)).withHoldAtLeast(Duration.ofMillis(700));

	@AfterEach
	void close() {
		this.instance.close();
		this.otherInstance.close();
	}

	@Test
	void aLockReleasedEarlyStaysHeldUntilHoldAtLeastThenIsFree() {
		Lease lease = this.instance.acquire("job", this.job);
		lease.release();
		assertThat(lease.isHeld()).as("the hold itself ended").isFalse();
		assertThat(this.otherInstance.tryAcquire("job", LockOptions.defaults())).as("other instance").isEmpty();
		assertThat(this.instance.tryAcquire("job", LockOptions.defaults())).as("same instance, no reentry").isEmpty();
		assertThat(this.instance.heldLocks()).singleElement()
			.satisfies((held) -> assertThat(held.key()).isEqualTo("job"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.otherInstance.tryAcquire("job", LockOptions.defaults()).map(this::released).isPresent());
		assertThat(this.instance.heldLocks()).isEmpty();
	}

	@Test
	void theRemainderIsLeftToTheServersExpiryAtShutdown() {
		this.instance.acquire("job", this.job).release();
		this.instance.close();
		assertThat(this.backend.isHeld(LockKeys.encode("job"))).as("not released by the shutdown").isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.backend.isHeld(LockKeys.encode("job")));
	}

	@Test
	void aGracefulShutdownNeitherWaitsForNorLosesARemainder() {
		List<String> losses = new CopyOnWriteArrayList<>();
		DefaultLockTemplate observed = new DefaultLockTemplate(this.backend, LockSettings.defaults(),
				List.of(new LockListener() {

					@Override
					public void lost(LockListener.LockInfo lock, long fencingToken, String reason) {
						losses.add(reason);
					}

				}));
		observed.acquire("job", LockOptions.ttl(Duration.ofSeconds(10)).withHoldAtLeast(Duration.ofMinutes(1)))
			.release();
		// A grace period that, if the remainder counted as running code, would outlast
		// the
		// test's timeout.
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> observed.shutdown(Duration.ofMinutes(5)));
		assertThat(losses).as("a remainder is not a lost lock").isEmpty();
		assertThat(this.backend.isHeld(LockKeys.encode("job"))).as("left to the store's expiry").isTrue();
	}

	@Test
	void holdAtLeastLongerThanAnUnrenewedTtlIsRefused() {
		LockOptions options = LockOptions.ttl(Duration.ofSeconds(1))
			.withAutoRenew(false)
			.withHoldAtLeast(Duration.ofSeconds(2));
		assertThatThrownBy(() -> this.instance.acquire("job", options)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("holdAtLeast PT2S is longer than the ttl PT1S and autoRenew is off");
		assertThat(this.instance.heldLocks()).isEmpty();
	}

	private boolean released(Lease lease) {
		lease.release();
		return true;
	}

}
