package io.github.distlock.aop;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.github.distlock.DistributedLock;
import io.github.distlock.Lease;
import io.github.distlock.LockNotAcquiredException;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.LocalLockAutoConfiguration;
import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.core.DefaultLockTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Locked methods returning a {@code CompletionStage}: what encloses what on the calling
 * thread, and every way the hold ends (completion, failure, cancellation, an abandoned
 * stage).
 */
@Timeout(60)
class AsyncLockedMethodTests {

	private final ExecutorService caller = Executors.newSingleThreadExecutor();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class, LocalLockAutoConfiguration.class))
		.withPropertyValues("distlock.backend=local")
		.withUserConfiguration(Services.class);

	@AfterEach
	void stopCaller() {
		this.caller.shutdownNow();
	}

	@Test
	void laterCallFromTheSameThreadWaitsForTheEarlierAsyncHold() {
		this.runner.run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			CompletableFuture<String> first = new CompletableFuture<>();
			AtomicReference<Thread> callerThread = new AtomicReference<>();
			Future<CompletableFuture<String>> second = this.caller.submit(() -> {
				callerThread.set(Thread.currentThread());
				jobs.hold("k1", first);
				return jobs.hold("k1", CompletableFuture.completedFuture("second"));
			});
			await().atMost(Duration.ofSeconds(10))
				.until(() -> callerThread.get() != null && callerThread.get().getState() == Thread.State.TIMED_WAITING);
			assertThat(jobs.started()).as("the second body waits for the first hold").isEqualTo(1);
			first.complete("first");
			assertThat(second.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS)).isEqualTo("second");
			assertThat(jobs.started()).isEqualTo(2);
		});
	}

	@Test
	void cancellingTheReturnedStageReleasesTheLockAndCancelsTheWork() {
		this.runner.run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			LockTemplate locks = context.getBean(LockTemplate.class);
			CompletableFuture<String> work = new CompletableFuture<>();
			CompletableFuture<String> returned = jobs.hold("k2", work);
			assertThat(returned).isNotSameAs(work);
			assertThat(returned.cancel(true)).isTrue();
			assertThat(work).as("the cancellation reaches the method's own stage").isCancelled();
			assertThat(context.getBean(DefaultLockTemplate.class).heldLocks()).isEmpty();
			assertThat(this.caller.submit(() -> locks.tryAcquire("k2", LockOptions.defaults()).map(held(true)))
				.get(10, TimeUnit.SECONDS)).contains(true);
		});
	}

	@Test
	void aTimeoutOnTheReturnedStageReleasesTheLock() {
		this.runner.run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			CompletableFuture<String> work = new CompletableFuture<>();
			CompletableFuture<String> returned = jobs.hold("k3", work).orTimeout(50, TimeUnit.MILLISECONDS);
			await().atMost(Duration.ofSeconds(10)).until(returned::isDone);
			// orTimeout completes the returned future itself, which the caller holds:
			// that gives the work up.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> context.getBean(DefaultLockTemplate.class).heldLocks().isEmpty());
			assertThat(work).isCancelled();
		});
	}

	@Test
	void failedWorkReleasesAndTheCallerSeesTheFailureAfterTheRelease() {
		this.runner.run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			DefaultLockTemplate manager = context.getBean(DefaultLockTemplate.class);
			CompletableFuture<String> work = new CompletableFuture<>();
			AtomicInteger heldWhenCallerSawIt = new AtomicInteger(-1);
			CompletableFuture<String> returned = jobs.hold("k4", work);
			returned.whenComplete((value, failure) -> heldWhenCallerSawIt.set(manager.heldLocks().size()));
			work.completeExceptionally(new IllegalStateException("boom"));
			assertThatThrownBy(() -> returned.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("boom");
			assertThat(heldWhenCallerSawIt).hasValue(0);
		});
	}

	@Test
	void synchronousCallInsideTheSynchronousPartIsNested() {
		this.runner.run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			CompletableFuture<Long> tokens = jobs.nestSync("k5");
			assertThat(tokens.get(10, TimeUnit.SECONDS)).as("the nested hold shares the outer token").isEqualTo(1);
			assertThat(context.getBean(DefaultLockTemplate.class).heldLocks()).isEmpty();
		});
	}

	@Test
	void asyncCallInsideAHoldOfTheSameKeyIsRefusedAtOnce() {
		this.runner.run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			LockTemplate locks = context.getBean(LockTemplate.class);
			assertThatThrownBy(() -> locks.execute("k6", LockOptions.defaults().withWaitTime(Duration.ofSeconds(30)),
					() -> jobs.hold("k6", new CompletableFuture<>())))
				.isInstanceOf(LockNotAcquiredException.class)
				.hasMessageContaining("'k6'")
				.hasMessageContaining("enclosing call on this thread")
				.hasMessageContaining("would deadlock");
			assertThat(context.getBean(DefaultLockTemplate.class).heldLocks()).isEmpty();
		});
	}

	@Test
	void abandonedStageReleasesTheLock() {
		this.runner.run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			DefaultLockTemplate manager = context.getBean(DefaultLockTemplate.class);
			startAndAbandon(jobs);
			assertThat(manager.heldLocks()).hasSize(1);
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
				System.gc();
				return manager.heldLocks().isEmpty();
			});
		});
	}

	@Test
	void executeAsyncThatCannotAcquireFailsItsFuture() {
		this.runner.run((context) -> {
			LockTemplate locks = context.getBean(LockTemplate.class);
			try (Lease busy = this.caller.submit(() -> locks.acquire("k7", LockOptions.defaults()))
				.get(10, TimeUnit.SECONDS)) {
				CompletableFuture<Object> refused = locks.executeAsync("k7", LockOptions.defaults(),
						CompletableFuture::new);
				assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS))
					.hasCauseInstanceOf(LockNotAcquiredException.class);
			}
		});
	}

	private static void startAndAbandon(Jobs jobs) {
		// Neither the work's stage nor the returned one is kept: nothing can ever
		// complete them.
		jobs.hold("k8", new CompletableFuture<>());
	}

	private static Function<Lease, Boolean> held(boolean release) {
		return (lease) -> {
			boolean held = lease.isHeld();
			if (release) {
				lease.release();
			}
			return held;
		};
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		Jobs jobs(LockTemplate locks) {
			return new Jobs(locks);
		}

		@Bean
		LocalLockBackend localLockBackend() {
			return new LocalLockBackend();
		}

	}

	static class Jobs {

		private final AtomicInteger started = new AtomicInteger();

		private final LockTemplate locks;

		Jobs(LockTemplate locks) {
			this.locks = locks;
		}

		/**
		 * How many bodies of {@link #hold} began; a method, since the bean is a class
		 * proxy.
		 */
		public int started() {
			return this.started.get();
		}

		@DistributedLock(key = "#key", waitTime = "10s")
		public CompletableFuture<String> hold(String key, CompletableFuture<String> work) {
			this.started.incrementAndGet();
			return work;
		}

		/**
		 * Compares the outer token with the one a nested synchronous acquisition gets: 1
		 * when equal.
		 */
		@DistributedLock(key = "#key", waitTime = "0s")
		public CompletableFuture<Long> nestSync(String key) {
			long outer;
			try (Lease first = this.locks.acquire(key, LockOptions.defaults())) {
				outer = first.fencingToken();
				long inner = this.locks.execute(key, LockOptions.defaults(), () -> {
					try (Lease nested = this.locks.acquire(key, LockOptions.defaults())) {
						return nested.fencingToken();
					}
				});
				return CompletableFuture.completedFuture((outer == inner) ? 1L : 0L);
			}
		}

	}

}
