package io.github.distlock.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.distlock.Lease;
import io.github.distlock.LockBackendException;
import io.github.distlock.LockOptions;
import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.core.LockListener.AcquireOutcome;
import io.github.distlock.core.LockListener.LockInfo;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The wait loop's pure logic, over a backend that fails as each test decides and
 * otherwise grants through the in-JVM backend.
 */
@Timeout(30)
class TransientRetriesTests {

	private final FailingBackend backend = new FailingBackend();

	private final OutcomeListener outcomes = new OutcomeListener();

	private final DefaultLockTemplate template = new DefaultLockTemplate(this.backend, LockSettings.defaults(),
			List.of(this.outcomes));

	@AfterEach
	void close() {
		this.template.close();
		this.backend.close();
	}

	@Test
	void transientFailuresWithinTheWaitTimeAreRiddenOut() {
		this.backend.failures(3, true);
		try (Lease lease = this.template.acquire("k", LockOptions.defaults().withWaitTime(Duration.ofSeconds(20)))) {
			assertThat(lease.isHeld()).isTrue();
		}
		assertThat(this.backend.attempts).hasValue(4);
		assertThat(this.outcomes.seen).containsExactly(AcquireOutcome.ACQUIRED);
	}

	@Test
	void aFailureThatIsNotTransientReachesTheCallerAtOnce() {
		this.backend.failures(5, false);
		assertThatThrownBy(
				() -> this.template.acquire("k", LockOptions.defaults().withWaitTime(Duration.ofSeconds(20))))
			.isInstanceOf(LockBackendException.class)
			.hasMessage("fake failure 1");
		assertThat(this.backend.attempts).hasValue(1);
		assertThat(this.outcomes.seen).containsExactly(AcquireOutcome.ERROR);
	}

	@Test
	void transientFailuresUntilTheDeadlineEndInAnErrorWithTheLastCause() {
		this.backend.failures(Integer.MAX_VALUE, true);
		assertThatThrownBy(
				() -> this.template.acquire("k", LockOptions.defaults().withWaitTime(Duration.ofMillis(400))))
			.isInstanceOf(LockBackendException.class)
			.hasMessageContaining("until the wait time ran out")
			.satisfies((ex) -> assertThat(ex.getCause()).hasMessage("fake failure " + this.backend.attempts.get()));
		assertThat(this.backend.attempts.get()).isGreaterThan(1);
		assertThat(this.outcomes.seen).containsExactly(AcquireOutcome.ERROR);
	}

	@Test
	void aTransientFailureThenAPermanentOneStopsTheRetries() {
		this.backend.failures(2, true);
		this.backend.thenPermanent = true;
		assertThatThrownBy(
				() -> this.template.acquire("k", LockOptions.defaults().withWaitTime(Duration.ofSeconds(20))))
			.isInstanceOf(LockBackendException.class)
			.hasMessageContaining("and then failed for good")
			.hasCauseInstanceOf(LockBackendException.class);
		assertThat(this.backend.attempts).hasValue(3);
	}

	@Test
	void aZeroWaitTimeTriesOnce() {
		this.backend.failures(1, true);
		assertThatThrownBy(() -> this.template.tryAcquire("k", LockOptions.defaults().withWaitTime(Duration.ZERO)))
			.isInstanceOf(LockBackendException.class)
			.hasMessage("fake failure 1");
		assertThat(this.backend.attempts).hasValue(1);
	}

	@Test
	void eachRetryIsGivenTheWaitTimeThatIsLeft() {
		this.backend.failures(2, true);
		this.template.acquire("k", LockOptions.defaults().withWaitTime(Duration.ofSeconds(20))).release();
		assertThat(this.backend.waitTimes).hasSize(3);
		assertThat(this.backend.waitTimes.get(2)).isLessThan(this.backend.waitTimes.get(0));
	}

	/**
	 * Fails the first {@code failures} attempts, then grants through the in-JVM backend.
	 */
	private static final class FailingBackend implements LockBackend {

		private final LocalLockBackend local = new LocalLockBackend();

		final AtomicInteger attempts = new AtomicInteger();

		final List<Duration> waitTimes = new CopyOnWriteArrayList<>();

		private volatile int failures;

		private volatile boolean transientFailures;

		volatile boolean thenPermanent;

		void failures(int count, boolean transientFailures) {
			this.failures = count;
			this.transientFailures = transientFailures;
		}

		@Override
		public String name() {
			return "fake";
		}

		@Override
		public Optional<BackendLock> tryAcquire(LockRequest request) throws InterruptedException {
			int attempt = this.attempts.incrementAndGet();
			this.waitTimes.add(request.waitTime());
			if (attempt <= this.failures) {
				throw new LockBackendException("fake failure " + attempt, this.transientFailures);
			}
			if (this.thenPermanent) {
				throw new LockBackendException("fake refusal " + attempt, false);
			}
			return this.local.tryAcquire(request);
		}

		@Override
		public void close() {
			this.local.close();
		}

	}

	private static final class OutcomeListener implements LockListener {

		final List<AcquireOutcome> seen = new CopyOnWriteArrayList<>();

		@Override
		public void acquireFinished(LockInfo lock, AcquireOutcome outcome, long waitNanos) {
			this.seen.add(outcome);
		}

	}

}
