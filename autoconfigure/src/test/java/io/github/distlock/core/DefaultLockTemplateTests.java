package io.github.distlock.core;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.distlock.Lease;
import io.github.distlock.LockLostException;
import io.github.distlock.LockNotAcquiredException;
import io.github.distlock.LockOptions;
import io.github.distlock.LockedActionException;
import io.github.distlock.LostLockPolicy;
import io.github.distlock.backend.local.LocalLockBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(30)
class DefaultLockTemplateTests {

	private final LocalLockBackend backend = new LocalLockBackend();

	private final DefaultLockTemplate manager = new DefaultLockTemplate(this.backend, LockSettings.defaults(),
			List.of());

	@AfterEach
	void close() {
		this.manager.close();
	}

	@Test
	void nestingUnderALostLeaseIsRefused() {
		try (Lease outer = this.manager.acquire("k", LockOptions.defaults())) {
			this.backend.forceRelease(LockKeys.encode("k"));
			assertThat(outer.isHeld()).isFalse();
			assertThatThrownBy(() -> this.manager.acquire("k", LockOptions.defaults()))
				.isInstanceOf(LockNotAcquiredException.class)
				.hasMessageContaining("was lost");
		}
	}

	@Test
	void checkedExceptionsAreWrappedAndTheLockIsReleased() {
		assertThatThrownBy(() -> this.manager.execute("k", LockOptions.defaults(), () -> {
			throw new IOException("disk full");
		})).isInstanceOf(LockedActionException.class).hasCauseInstanceOf(IOException.class);
		assertThat(this.manager.tryAcquire("k", LockOptions.defaults())).isPresent().get().satisfies(Lease::release);
	}

	@Test
	void interruptPolicyClearsTheFlagItSetOnceTheActionReturns() throws Exception {
		boolean[] interrupted = new boolean[1];
		this.manager.execute("k", LockOptions.defaults().withLostPolicy(LostLockPolicy.INTERRUPT), () -> {
			this.backend.forceRelease(LockKeys.encode("k"));
			interrupted[0] = Thread.currentThread().isInterrupted();
		});
		assertThat(interrupted[0]).as("interrupted while running").isTrue();
		assertThat(Thread.currentThread().isInterrupted()).as("flag cleared afterwards").isFalse();
	}

	@Test
	void throwPolicyKeepsTheActionsOwnFailureAndAddsTheLossAsSuppressed() {
		assertThatThrownBy(
				() -> this.manager.execute("k", LockOptions.defaults().withLostPolicy(LostLockPolicy.THROW), () -> {
					this.backend.forceRelease(LockKeys.encode("k"));
					throw new IllegalStateException("own failure");
				}))
			.isInstanceOf(IllegalStateException.class)
			.satisfies((ex) -> assertThat(ex.getSuppressed()).singleElement().isInstanceOf(LockLostException.class));
	}

	@Test
	void withoutAutoRenewTheTtlIsAHardCapReportedAsLoss() throws Exception {
		Lease lease = this.manager.acquire("k", LockOptions.ttl(Duration.ofMillis(300)).withAutoRenew(false));
		CountDownLatch lost = new CountDownLatch(1);
		lease.onLost(lost::countDown);
		assertThat(lost.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(lease.isHeld()).isFalse();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.backend.isHeld(LockKeys.encode("k"))).as("given up on the server too")
				.isFalse());
		lease.release();
	}

	@Test
	void onLostRegisteredAfterTheLossRunsAtOnce() {
		Lease lease = this.manager.acquire("k", LockOptions.defaults());
		this.backend.forceRelease(LockKeys.encode("k"));
		boolean[] ran = new boolean[1];
		lease.onLost(() -> ran[0] = true);
		assertThat(ran[0]).isTrue();
		lease.release();
	}

}
