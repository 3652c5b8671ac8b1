package io.github.distlock.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.distlock.LockBackendException;
import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.ConnectionCheck;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import io.github.distlock.spi.ServerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The generic session layer's own logic over a fake protocol: sharing per ttl, use counts
 * that include waiters, idle retirement, keepalive confirmations and the fan-out of a
 * session's end.
 */
@Timeout(30)
class SharedSessionsTests {

	private static final Duration TTL = Duration.ofMillis(600);

	private static final Duration IDLE = Duration.ofMillis(150);

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

	private final FakeSessionBackend backend = new FakeSessionBackend(IDLE);

	private final SharedSessions sessions = new SharedSessions(this.backend, this.scheduler);

	@AfterEach
	void close() {
		this.sessions.close();
		this.scheduler.shutdownNow();
	}

	/**
	 * Returns once the single scheduler thread has run every task due within
	 * {@code delay}, such as an idle close: it runs tasks in the order they fall due, so
	 * a marker due after them runs after them.
	 */
	private void awaitSchedulerPast(Duration delay) throws InterruptedException {
		CountDownLatch passed = new CountDownLatch(1);
		this.scheduler.schedule(passed::countDown, delay.toNanos(), TimeUnit.NANOSECONDS);
		assertThat(passed.await(5, TimeUnit.SECONDS)).as("the scheduler ran past " + delay).isTrue();
	}

	private SharedSessionLock acquire(String key, Duration ttl) throws InterruptedException {
		return (SharedSessionLock) this.sessions.tryAcquire(new LockRequest(key, ttl, Duration.ZERO)).orElseThrow();
	}

	@Test
	void locksWithTheSameTtlShareOneSessionAndOtherTtlsGetTheirOwn() throws Exception {
		SharedSessionLock first = acquire("a", TTL);
		SharedSessionLock second = acquire("b", TTL);
		SharedSessionLock other = acquire("c", TTL.multipliedBy(2));
		assertThat(first.sessionId()).isEqualTo(second.sessionId());
		assertThat(other.sessionId()).isNotEqualTo(first.sessionId());
		assertThat(this.backend.opened).hasSize(2);
		assertThat(this.sessions.openSessions()).isEqualTo(2);
	}

	@Test
	void aSessionIdleForTheIdleTimeIsClosedAndTheNextLockOpensANewOne() throws Exception {
		SharedSessionLock first = acquire("a", TTL);
		SharedSessionLock other = acquire("b", TTL.multipliedBy(2));
		assertThat(first.release()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.backend.closed.contains(first.sessionId()));
		assertThat(this.backend.closed).as("a session still in use is kept").doesNotContain(other.sessionId());
		SharedSessionLock next = acquire("a", TTL);
		assertThat(next.sessionId()).isNotEqualTo(first.sessionId());
	}

	@Test
	void aSessionUsedAgainWithinTheIdleTimeIsKept() throws Exception {
		SharedSessionLock first = acquire("a", TTL);
		first.release();
		SharedSessionLock again = acquire("a", TTL);
		awaitSchedulerPast(IDLE.multipliedBy(3));
		assertThat(again.sessionId()).isEqualTo(first.sessionId());
		assertThat(this.backend.closed).isEmpty();
		again.release();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.backend.closed.contains(first.sessionId()));
	}

	@Test
	void aWaiterKeepsItsSessionInUse() throws Exception {
		SharedSessionLock held = acquire("a", TTL);
		CountDownLatch waiting = new CountDownLatch(1);
		CountDownLatch proceed = new CountDownLatch(1);
		this.backend.acquisition = (request, session) -> {
			waiting.countDown();
			proceed.await();
			return Optional.of(this.backend.lock());
		};
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			Future<Optional<BackendLock>> waiter = pool
				.submit(() -> this.sessions.tryAcquire(new LockRequest("b", TTL, Duration.ofSeconds(10))));
			assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
			held.release();
			awaitSchedulerPast(IDLE.multipliedBy(3));
			assertThat(this.backend.closed).as("the waiter still uses the session").isEmpty();
			proceed.countDown();
			SharedSessionLock next = (SharedSessionLock) waiter.get(5, TimeUnit.SECONDS).orElseThrow();
			assertThat(next.sessionId()).isEqualTo(held.sessionId());
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aBusyAnswerLeavesTheSessionToIdleRetirement() throws Exception {
		this.backend.acquisition = (request, session) -> Optional.empty();
		assertThat(this.sessions.tryAcquire(new LockRequest("a", TTL, Duration.ZERO))).isEmpty();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.backend.closed.size() == 1);
		assertThat(this.backend.opened).hasSize(1);
	}

	@Test
	void keepalivesConfirmEveryLockOnTheSessionWithTheirSendTime() throws Exception {
		SharedSessionLock first = acquire("a", TTL);
		SharedSessionLock second = acquire("b", TTL);
		long acquiredAt = System.nanoTime();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.backend.keepAlivesOf(first.sessionId()) >= 2);
		await().atMost(Duration.ofSeconds(5)).until(() -> first.confirmedAtNanos() - acquiredAt > 0);
		long receivedAt = this.backend.lastKeepAliveNanos.get(first.sessionId());
		assertThat(first.confirmedAtNanos()).as("read before the request was sent").isLessThanOrEqualTo(receivedAt);
		await().atMost(Duration.ofSeconds(5)).until(() -> second.confirmedAtNanos() - acquiredAt > 0);
	}

	@Test
	void aLockOnASessionMayBeHandedOverWhileTheSessionsKeepalivesAreOnSchedule() throws Exception {
		SharedSessionLock lock = acquire("a", TTL);
		long keepAliveInterval = TTL.toNanos() / 3;
		// Not just a tenth of the ttl after the last keepalive: a new acquisition on the
		// session would be confirmed no more recently than the lock is.
		assertThat(lock.handOverWindowNanos(TTL)).isGreaterThan(keepAliveInterval)
			.isLessThan(TTL.toNanos() - keepAliveInterval);
	}

	@Test
	void everyLockIsLostWhenTheServerSaysTheSessionIsGone() throws Exception {
		SharedSessionLock first = acquire("a", TTL);
		SharedSessionLock second = acquire("b", TTL);
		SharedSessionLock other = acquire("c", TTL.multipliedBy(2));
		List<String> reasons = new CopyOnWriteArrayList<>();
		first.onLost(reasons::add);
		second.onLost(reasons::add);
		other.onLost(reasons::add);
		this.backend.gone.add(first.sessionId());
		await().atMost(Duration.ofSeconds(5)).until(() -> reasons.size() == 2);
		assertThat(reasons).allSatisfy((reason) -> assertThat(reason)
			.isEqualTo("fake session " + first.sessionId() + " expired or was ended on the server"));
		assertThat(first.renew()).isFalse();
		assertThat(other.renew()).isTrue();
		assertThat(this.backend.closed).as("the server ended it already").isEmpty();
		assertThat(acquire("d", TTL).sessionId()).isNotEqualTo(first.sessionId());
	}

	@Test
	void aKeepaliveAnsweredGoneIsReportedInTheBackendsOwnWords() throws Exception {
		FakeSessionBackend worded = new FakeSessionBackend(IDLE) {
			@Override
			public String describeSessionGone(String sessionId) {
				return "fake session " + sessionId + " no longer exists (its keepalive was answered 404)";
			}
		};
		SharedSessions layer = new SharedSessions(worded, this.scheduler);
		try {
			SharedSessionLock lock = (SharedSessionLock) layer.tryAcquire(new LockRequest("a", TTL, Duration.ZERO))
				.orElseThrow();
			List<String> reasons = new CopyOnWriteArrayList<>();
			lock.onLost(reasons::add);
			worded.gone.add(lock.sessionId());
			await().atMost(Duration.ofSeconds(5)).until(() -> reasons.size() == 1);
			assertThat(reasons).containsExactly(
					"fake session " + lock.sessionId() + " no longer exists (its keepalive was answered 404)");
		}
		finally {
			layer.close();
		}
	}

	@Test
	void aWatchFollowsTheSessionFromTheIndexItLastSaw() throws Exception {
		Duration longTtl = Duration.ofMinutes(1);
		SharedSessionLock lease = acquire("a", longTtl);
		FakeSessionBackend.Watch first = awaitWatch(1);
		assertThat(first.sessionId()).isEqualTo(lease.sessionId());
		assertThat(first.index()).as("the first watch answers at once").isZero();
		first.change().complete(42L);
		assertThat(awaitWatch(2).index()).isEqualTo(42L);
		assertThat(lease.renew()).isTrue();
	}

	@Test
	void aWatchThatSaysGoneIsConfirmedByAKeepaliveBeforeTheLocksAreLost() throws Exception {
		SharedSessionLock lease = acquire("a", Duration.ofMinutes(1));
		CountDownLatch lost = new CountDownLatch(1);
		lease.onLost((reason) -> lost.countDown());
		this.backend.gone.add(lease.sessionId());
		awaitWatch(1).change().complete(-1L);
		assertThat(lost.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.backend.keepAlivesOf(lease.sessionId())).as("confirmed by one keepalive").isEqualTo(1);
	}

	@Test
	void aSessionFoundAliveAfterItsWatchSaidGoneIsNoLongerWatched() throws Exception {
		SharedSessionLock lease = acquire("a", TTL);
		List<String> reasons = new CopyOnWriteArrayList<>();
		lease.onLost(reasons::add);
		awaitWatch(1).change().complete(-1L);
		// Scheduled keepalives succeed every ttl/3 and would resume a watch that merely
		// failed; this one was refuted, so none is asked for again.
		int keepAlives = this.backend.keepAlivesOf(lease.sessionId());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.backend.keepAlivesOf(lease.sessionId()) >= keepAlives + 3);
		assertThat(this.backend.watches).hasSize(1);
		assertThat(reasons).isEmpty();
		assertThat(lease.renew()).isTrue();
	}

	@Test
	void aFailedWatchResumesAfterTheNextKeepalive() throws Exception {
		SharedSessionLock lease = acquire("a", TTL);
		awaitWatch(1).change().completeExceptionally(new IllegalStateException("connection reset"));
		FakeSessionBackend.Watch resumed = awaitWatch(2);
		assertThat(resumed.sessionId()).isEqualTo(lease.sessionId());
		assertThat(resumed.index()).isZero();
	}

	private FakeSessionBackend.Watch awaitWatch(int count) {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.backend.watches.size() >= count);
		return this.backend.watches.get(count - 1);
	}

	@Test
	void keepalivesFailingForAWholeTtlEndAndCloseTheSession() throws Exception {
		SharedSessionLock lease = acquire("a", TTL);
		List<String> reasons = new CopyOnWriteArrayList<>();
		lease.onLost(reasons::add);
		this.backend.failKeepAlives = true;
		await().atMost(Duration.ofSeconds(5)).until(() -> this.backend.closed.contains(lease.sessionId()));
		assertThat(reasons).singleElement()
			.asString()
			.startsWith("no keepalive of fake session " + lease.sessionId() + " succeeded within the ttl of 600ms");
		assertThat(this.backend.keepAlivesOf(lease.sessionId())).as("failed keepalives are retried").isGreaterThan(2);
	}

	@Test
	void aSessionEndedWhileQueuingIsReplacedByANewOne() throws Exception {
		AtomicInteger attempts = new AtomicInteger();
		this.backend.acquisition = (request, session) -> {
			if (attempts.incrementAndGet() == 1) {
				session.ended("lease not found");
				return Optional.empty();
			}
			return Optional.of(this.backend.lock());
		};
		SharedSessionLock lease = acquire("a", TTL);
		assertThat(this.backend.opened).hasSize(2);
		assertThat(lease.sessionId()).isEqualTo(this.backend.opened.get(1));
		assertThat(this.backend.closed).isEmpty();
	}

	@Test
	void aSessionEndedAtEveryAttemptFailsTheAcquisition() {
		this.backend.acquisition = (request, session) -> {
			session.ended("lease not found");
			return Optional.empty();
		};
		assertThatThrownBy(() -> acquire("a", TTL)).isInstanceOf(LockBackendException.class)
			.hasMessageContaining("3 times");
		assertThat(this.sessions.openSessions()).isZero();
	}

	@Test
	void concurrentFirstUsesShareOneSessionAndCloseTheSurplus() throws Exception {
		CyclicBarrier bothOpening = new CyclicBarrier(2);
		this.backend.onOpen = () -> {
			try {
				bothOpening.await(5, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		};
		ExecutorService pool = Executors.newFixedThreadPool(2);
		String shared;
		try {
			Future<SharedSessionLock> first = pool.submit(() -> acquire("a", TTL));
			Future<SharedSessionLock> second = pool.submit(() -> acquire("b", TTL));
			shared = first.get(5, TimeUnit.SECONDS).sessionId();
			assertThat(second.get(5, TimeUnit.SECONDS).sessionId()).isEqualTo(shared);
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.backend.opened).hasSize(2).contains(shared);
		assertThat(this.backend.closed).singleElement().isNotEqualTo(shared);
		assertThat(this.sessions.openSessions()).isEqualTo(1);
	}

	@Test
	void renewalChecksTheLockOnTheServer() throws Exception {
		SharedSessionLock lease = acquire("a", TTL);
		assertThat(lease.renew()).isTrue();
		this.backend.lockStillHeld = false;
		assertThat(lease.renew()).isFalse();
	}

	@Test
	void closeClosesEverySessionAndLosesItsLocks() throws Exception {
		SharedSessionLock first = acquire("a", TTL);
		SharedSessionLock other = acquire("b", TTL.multipliedBy(2));
		List<String> reasons = new CopyOnWriteArrayList<>();
		first.onLost(reasons::add);
		other.onLost(reasons::add);
		this.sessions.close();
		assertThat(this.backend.closed).containsExactlyInAnyOrder(first.sessionId(), other.sessionId());
		assertThat(reasons).containsExactly("the fake lock backend was closed", "the fake lock backend was closed");
		assertThatThrownBy(() -> acquire("c", TTL)).isInstanceOf(LockBackendException.class)
			.hasMessageContaining("closed");
	}

	@Test
	void onlySessionBackendsAreWrappedAndTheConnectionCheckIsKept() {
		LocalLockBackend local = new LocalLockBackend();
		assertThat(SharedSessions.wrap(local, this.scheduler)).isSameAs(local);
		LockBackend plain = SharedSessions.wrap(this.backend, this.scheduler);
		assertThat(plain).isInstanceOf(SharedSessions.class).isNotInstanceOf(ConnectionCheck.class);
		assertThat(plain.name()).isEqualTo("fake");
		AtomicInteger checks = new AtomicInteger();
		class Checked extends FakeSessionBackend implements ConnectionCheck {

			Checked() {
				super(IDLE);
			}

			@Override
			public void checkConnection() {
				checks.incrementAndGet();
			}

		}
		LockBackend checked = SharedSessions.wrap(new Checked(), this.scheduler);
		assertThat(checked).isInstanceOf(ConnectionCheck.class);
		((ConnectionCheck) checked).checkConnection();
		assertThat(checks).hasValue(1);
	}

}
