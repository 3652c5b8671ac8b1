package io.github.distlock.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.backend.local.LocalLockBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A lock released while another thread of the same instance waits for it passes to that
 * thread without a round trip, with a larger fencing token, until the hand-over bounds
 * end the run; a loss reaches whichever thread holds it then.
 */
@Timeout(30)
class HandoffTests {

	private static final LockOptions WAITING = LockOptions.ttl(Duration.ofSeconds(10))
		.withWaitTime(Duration.ofSeconds(10));

	private final LocalLockBackend local = new LocalLockBackend();

	private final AtomicInteger acquisitions = new AtomicInteger();

	private final AtomicInteger releases = new AtomicInteger();

	private final ObservedBackend backend = new ObservedBackend(this.local,
			(call) -> (call.equals("acquire") ? this.acquisitions : this.releases).incrementAndGet());

	/** The default count; a time bound that the test's own waits cannot reach. */
	private static final LockSettings.Handoff BOUNDED_BY_COUNT = new LockSettings.Handoff(
			LockSettings.Handoff.DEFAULT.maxCount(), Duration.ofSeconds(10));

	private DefaultLockTemplate template = template(BOUNDED_BY_COUNT);

	@AfterEach
	void close() {
		this.template.close();
	}

	@Test
	void aWaitingThreadTakesTheLockOverWithoutARoundTripAndALargerToken() throws Exception {
		Lease first = this.template.acquire("order", WAITING);
		CompletableFuture<Lease> second = waitingAcquire("order", WAITING);
		first.release();
		Lease next = second.get(10, TimeUnit.SECONDS);
		assertThat(next.isHeld()).isTrue();
		assertThat(next.fencingToken()).isGreaterThan(first.fencingToken());
		assertThat(this.acquisitions).as("backend acquisitions").hasValue(1);
		assertThat(this.releases).as("backend releases while handed over").hasValue(0);
		next.release();
		assertThat(this.releases).as("released once the run ended").hasValue(1);
		assertThat(this.local.isHeld(LockKeys.encode("order"))).isFalse();
	}

	@Test
	void theRunEndsAfterMaxCountAndTheNextHolderAcquiresOnTheBackend() throws Exception {
		this.template.close();
		this.template = template(new LockSettings.Handoff(1, Duration.ofSeconds(10)));
		Lease first = this.template.acquire("order", WAITING);
		CompletableFuture<Lease> second = waitingAcquire("order", WAITING);
		CompletableFuture<Lease> third = waitingAcquire("order", WAITING);
		first.release();
		Lease handed = second.get(10, TimeUnit.SECONDS);
		handed.release();
		Lease acquiredAnew = third.get(10, TimeUnit.SECONDS);
		assertThat(this.acquisitions).hasValue(2);
		assertThat(this.releases).hasValue(1);
		assertThat(List.of(first.fencingToken(), handed.fencingToken(), acquiredAnew.fencingToken()))
			.as("strictly increasing")
			.isSorted()
			.doesNotHaveDuplicates();
		acquiredAnew.release();
	}

	@Test
	void theRunEndsAfterMaxTime() throws Exception {
		this.template.close();
		this.template = template(new LockSettings.Handoff(16, Duration.ofMillis(1)));
		Lease first = this.template.acquire("order", WAITING);
		CompletableFuture<Lease> second = waitingAcquire("order", WAITING);
		first.release();
		second.get(10, TimeUnit.SECONDS).release();
		assertThat(this.acquisitions).as("the run outlived max-time before the release").hasValue(2);
	}

	@Test
	void offEveryHolderAcquiresAndReleasesOnTheBackend() throws Exception {
		this.template.close();
		this.template = template(LockSettings.Handoff.OFF);
		Lease first = this.template.acquire("order", WAITING);
		CompletableFuture<Lease> second = waitingAcquire("order", WAITING);
		first.release();
		second.get(10, TimeUnit.SECONDS).release();
		assertThat(this.acquisitions).hasValue(2);
		assertThat(this.releases).hasValue(2);
	}

	@Test
	void aWaiterAskingForAnotherTtlAcquiresAnew() throws Exception {
		Lease first = this.template.acquire("order", WAITING);
		CompletableFuture<Lease> second = waitingAcquire("order", WAITING.withTtl(Duration.ofSeconds(20)));
		first.release();
		Lease next = second.get(10, TimeUnit.SECONDS);
		assertThat(this.acquisitions).hasValue(2);
		assertThat(this.releases).as("the handed lock, refused").hasValue(1);
		assertThat(next.fencingToken()).isGreaterThan(first.fencingToken());
		next.release();
	}

	@Test
	void aLossDuringTheRunReachesTheThreadHoldingTheLockThen() throws Exception {
		AtomicInteger firstLost = new AtomicInteger();
		AtomicInteger nextLost = new AtomicInteger();
		Lease first = this.template.acquire("order", WAITING);
		first.onLost(firstLost::incrementAndGet);
		CompletableFuture<Lease> second = waitingAcquire("order", WAITING);
		first.release();
		Lease next = second.get(10, TimeUnit.SECONDS);
		next.onLost(nextLost::incrementAndGet);
		assertThat(this.local.forceRelease(LockKeys.encode("order"))).isTrue();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(nextLost).hasValue(1));
		assertThat(next.isHeld()).isFalse();
		assertThat(firstLost).as("released before the loss").hasValue(0);
		next.release();
	}

	private DefaultLockTemplate template(LockSettings.Handoff handoff) {
		return new DefaultLockTemplate(this.backend, LockSettings.defaults().withHandoff(handoff), List.of());
	}

	/** Starts an acquisition on another thread and returns once it waits in this JVM. */
	private CompletableFuture<Lease> waitingAcquire(String key, LockOptions options) {
		CompletableFuture<Lease> lease = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				lease.complete(this.template.acquire(key, options));
			}
			catch (RuntimeException ex) {
				lease.completeExceptionally(ex);
			}
		});
		thread.start();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> thread.getState() == Thread.State.TIMED_WAITING || lease.isDone());
		return lease;
	}

}
