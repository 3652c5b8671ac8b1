package io.github.distlock.aop;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.github.distlock.DistributedLock;
import io.github.distlock.DistributedLocks;
import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.LocalLockAutoConfiguration;
import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.HeldLock;
import io.github.distlock.core.LockKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link DistributedLocks#currentLease()} and {@link DistributedLocks#assertHeld()}
 * inside annotated methods, {@code LockTemplate} actions and asynchronous holds.
 */
@Timeout(60)
class CurrentLeaseTests {

	private final ExecutorService pool = Executors.newCachedThreadPool();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class, LocalLockAutoConfiguration.class))
		.withPropertyValues("distlock.backend=local")
		.withBean(Invoices.class);

	@AfterEach
	void stopPool() {
		this.pool.shutdownNow();
	}

	@Test
	void anAnnotatedMethodSeesItsOwnLeaseAndFencingToken() {
		this.runner.run((context) -> {
			Invoices invoices = context.getBean(Invoices.class);
			DefaultLockTemplate template = context.getBean(DefaultLockTemplate.class);
			Seen seen = invoices.write(7L, () -> template.heldLocks().get(0));
			assertThat(seen.lease().key()).isEqualTo("invoice:7");
			assertThat(seen.lease().fencingToken()).isEqualTo(seen.held().fencingToken());
			assertThat(seen.heldThen()).isTrue();
			assertThat(seen.lease().isHeld()).as("released when the method returned").isFalse();
			assertThat(DistributedLocks.currentLease()).as("unbound after the method returned").isEmpty();
			Seen next = invoices.write(7L, () -> template.heldLocks().get(0));
			assertThat(next.lease().fencingToken()).isGreaterThan(seen.lease().fencingToken());
		});
	}

	@Test
	void nestedLocksSeeTheInnermostLeaseAndTheOuterOneAgainAfterwards() {
		this.runner.run((context) -> {
			Invoices invoices = context.getBean(Invoices.class);
			String[] keys = invoices.outer(1L, () -> invoices.write(2L, () -> null).lease().key());
			assertThat(keys).containsExactly("batch:1", "invoice:2", "batch:1");
		});
	}

	@Test
	void lockTemplateActionsSeeTheirLeaseButAcquiredLeasesAreNotBound() {
		this.runner.run((context) -> {
			LockTemplate locks = context.getBean(LockTemplate.class);
			String key = locks.execute("report:daily", LockOptions.defaults(),
					() -> DistributedLocks.assertHeld().key());
			assertThat(key).isEqualTo("report:daily");
			try (Lease lease = locks.acquire("report:weekly", LockOptions.defaults())) {
				assertThat(lease.isHeld()).isTrue();
				assertThat(DistributedLocks.currentLease()).isEmpty();
			}
		});
	}

	@Test
	void theSynchronousPartOfAnAsynchronousHoldSeesItsLease() {
		this.runner.run((context) -> {
			Invoices invoices = context.getBean(Invoices.class);
			AtomicReference<Optional<Lease>> during = new AtomicReference<>();
			CompletableFuture<String> pending = new CompletableFuture<>();
			CompletableFuture<String> result = invoices.later(3L, during, pending);
			assertThat(during.get()).hasValueSatisfying((lease) -> {
				assertThat(lease.key()).isEqualTo("invoice:3");
				assertThat(lease.isHeld()).isTrue();
			});
			assertThat(DistributedLocks.currentLease()).as("the calling thread is unbound once the method returned")
				.isEmpty();
			pending.complete("ok");
			assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
		});
	}

	@Test
	void assertHeldFailsOutsideALockAndOnSelfInvocation() {
		this.runner.run((context) -> {
			Invoices invoices = context.getBean(Invoices.class);
			assertThatIllegalStateException().isThrownBy(DistributedLocks::assertHeld)
				.withMessageContaining("No distlock lock is held by the calling code");
			assertThatIllegalStateException().isThrownBy(() -> invoices.selfInvoking(4L))
				.withMessageContaining("called from its own class");
		});
	}

	@Test
	void assertHeldFailsOnceTheLockWasLost() {
		this.runner.run((context) -> {
			Invoices invoices = context.getBean(Invoices.class);
			LocalLockBackend backend = context.getBean(LocalLockBackend.class);
			CountDownLatch lost = new CountDownLatch(1);
			Future<String> holding = this.pool.submit(() -> invoices.untilLost(5L, lost));
			await().atMost(Duration.ofSeconds(10)).until(() -> backend.isHeld(LockKeys.encode("invoice:5")));
			assertThat(backend.forceRelease(LockKeys.encode("invoice:5"))).isTrue();
			lost.countDown();
			assertThat(holding.get(10, TimeUnit.SECONDS)).contains("'invoice:5'").contains("no longer held");
		});
	}

	record Seen(Lease lease, boolean heldThen, HeldLock held) {
	}

	static class Invoices {

		@DistributedLock(key = "'invoice:' + #id")
		public Seen write(long id, Supplier<HeldLock> held) {
			Lease lease = DistributedLocks.assertHeld();
			return new Seen(lease, lease.isHeld(), held.get());
		}

		@DistributedLock(key = "'batch:' + #id")
		public String[] outer(long id, Supplier<String> inner) {
			String before = DistributedLocks.assertHeld().key();
			String nested = inner.get();
			return new String[] { before, nested, DistributedLocks.assertHeld().key() };
		}

		@DistributedLock(key = "'invoice:' + #id")
		public CompletableFuture<String> later(long id, AtomicReference<Optional<Lease>> during,
				CompletableFuture<String> pending) {
			during.set(DistributedLocks.currentLease());
			return pending;
		}

		public String selfInvoking(long id) {
			// Bypasses the proxy, as this.method() does with @Transactional.
			return locked(id);
		}

		@DistributedLock(key = "'invoice:' + #id")
		public String locked(long id) {
			return DistributedLocks.assertHeld().key();
		}

		@DistributedLock(key = "'invoice:' + #id")
		public String untilLost(long id, CountDownLatch lost) throws InterruptedException {
			Lease lease = DistributedLocks.assertHeld();
			lost.await(20, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(10)).until(() -> !lease.isHeld());
			try {
				DistributedLocks.assertHeld();
				return "still held";
			}
			catch (IllegalStateException ex) {
				return ex.getMessage();
			}
		}

	}

}
