package io.github.distlock.it.contract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.distlock.DistributedLock;
import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.core.DefaultLockTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Locks held across a {@code CompletionStage}, on a real backend, through the aspect and
 * through {@link LockTemplate}: two asynchronous holds started by one thread never
 * overlap, and a hold ends when its work completes, fails or is cancelled, leaving
 * nothing held in the JVM or on the server. Subclasses start the application on their
 * server and count the lock entries the server keeps.
 */
@Timeout(120)
public abstract class AsyncHoldContractTests {

	private static final int CANCELLED_CALLS = 1000;

	private static final int KEYS = 100;

	private final ScheduledExecutorService work = Executors.newScheduledThreadPool(4);

	private final ExecutorService caller = Executors.newSingleThreadExecutor();

	private ConfigurableApplicationContext context;

	private AsyncJobs jobs;

	private LockTemplate locks;

	private DefaultLockTemplate manager;

	/**
	 * Properties that make the application use the subclass's backend and server.
	 */
	protected abstract String[] backendProperties();

	/**
	 * The auto-configuration of the subclass's backend.
	 */
	protected abstract Class<?> backendAutoConfiguration();

	/**
	 * How many lock entries (not counters or other bookkeeping) the server holds under
	 * this test's keys, which all start with {@code prefix}.
	 */
	protected abstract int lockEntriesOnServer(String prefix) throws Exception;

	/**
	 * The application's configuration classes: the locked beans and the backend.
	 */
	protected Class<?>[] applicationSources() {
		return new Class<?>[] { AsyncApplication.class, backendAutoConfiguration() };
	}

	/**
	 * The running application.
	 */
	protected ConfigurableApplicationContext context() {
		return this.context;
	}

	@BeforeEach
	void start() {
		this.context = new SpringApplicationBuilder(applicationSources()).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "distlock.default-ttl=10s")
			.properties(backendProperties())
			.run();
		this.jobs = this.context.getBean(AsyncJobs.class);
		this.locks = this.context.getBean(LockTemplate.class);
		this.manager = this.context.getBean(DefaultLockTemplate.class);
	}

	@AfterEach
	void stop() {
		this.caller.shutdownNow();
		this.work.shutdownNow();
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void twoAsyncCallsFromOneThreadDoNotOverlap() throws Exception {
		String key = unique("serial");
		List<CompletableFuture<Long>> calls = this.caller.submit(() -> {
			List<CompletableFuture<Long>> started = new ArrayList<>();
			started.add(this.jobs.timed(key, 500));
			started.add(this.jobs.timed(key, 500));
			return started;
		}).get(30, TimeUnit.SECONDS);
		long firstDone = calls.get(0).get(30, TimeUnit.SECONDS);
		long secondDone = calls.get(1).get(30, TimeUnit.SECONDS);
		assertThat(this.jobs.maxOverlap()).as("bodies running at once under one key").isEqualTo(1);
		assertThat(TimeUnit.NANOSECONDS.toMillis(secondDone - firstDone))
			.as("the second call's work runs after the first's, not beside it")
			.isGreaterThanOrEqualTo(400);
	}

	@Test
	void exceptionalCompletionReleases() throws Exception {
		String key = unique("failing");
		CompletableFuture<String> failed = this.jobs.failing(key);
		await().atMost(Duration.ofSeconds(10)).until(failed::isDone);
		assertThat(failed).isCompletedExceptionally();
		assertAcquiresAtOnce(key);
	}

	@Test
	void cancelledCallsLeaveNothingHeld() throws Exception {
		String prefix = unique("cancelled");
		this.caller.submit(() -> {
			for (int i = 0; i < CANCELLED_CALLS; i++) {
				CompletableFuture<String> call = this.jobs.pending(prefix + (i % KEYS));
				if (i % 2 == 1) {
					// Cancelled shortly after the call, while the work may already be
					// under way.
					spin(Duration.ofNanos((i % 15) * 100_000L));
				}
				call.cancel(true);
			}
			return null;
		}).get(100, TimeUnit.SECONDS);
		assertNothingHeld(prefix);
		assertAcquiresAtOnce(prefix + 7);
	}

	@Test
	void cancelledTemplateHoldsLeaveNothingHeld() throws Exception {
		String prefix = unique("template");
		this.caller.submit(() -> {
			for (int i = 0; i < CANCELLED_CALLS; i++) {
				String key = prefix + (i % KEYS);
				CompletableFuture<String> call = (i % 2 == 0) ? this.locks.executeAsync(key,
						LockOptions.defaults().withWaitTime(Duration.ofSeconds(5)), CompletableFuture::new)
						: handedOver(key);
				call.cancel(true);
			}
			return null;
		}).get(100, TimeUnit.SECONDS);
		assertNothingHeld(prefix);
		assertAcquiresAtOnce(prefix + 3);
	}

	@Test
	void twoTemplateAsyncHoldsFromOneThreadDoNotOverlap() throws Exception {
		String key = unique("template-serial");
		AtomicInteger running = new AtomicInteger();
		AtomicInteger maxOverlap = new AtomicInteger();
		List<CompletableFuture<Object>> calls = this.caller.submit(() -> {
			List<CompletableFuture<Object>> started = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				started.add(this.locks.executeAsync(key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(5)),
						() -> CompletableFuture.supplyAsync(() -> {
							maxOverlap.accumulateAndGet(running.incrementAndGet(), Math::max);
							spin(Duration.ofMillis(300));
							running.decrementAndGet();
							return null;
						}, this.work)));
			}
			return started;
		}).get(30, TimeUnit.SECONDS);
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		assertThat(maxOverlap.get()).isEqualTo(1);
	}

	/**
	 * The hand-off pattern without executeAsync: the future's own completion releases the
	 * lease.
	 */
	private CompletableFuture<String> handedOver(String key) {
		Lease lease = this.locks.acquire(key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(5)));
		CompletableFuture<String> work = new CompletableFuture<>();
		work.whenComplete((value, failure) -> lease.release());
		return work;
	}

	protected void assertNothingHeld(String prefix) throws Exception {
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			assertThat(this.manager.heldLocks()).as("locks held in the JVM").isEmpty();
			assertThat(lockEntriesOnServer(prefix)).as("lock entries on the server").isZero();
		});
	}

	protected void assertAcquiresAtOnce(String key) throws Exception {
		assertThat(this.caller.submit(() -> this.jobs.quick(key).get(10, TimeUnit.SECONDS)).get(20, TimeUnit.SECONDS))
			.isEqualTo("ran " + key);
	}

	protected static String unique(String name) {
		return "async-" + name + "-" + System.nanoTime() + "-";
	}

	protected static void spin(Duration duration) {
		long end = System.nanoTime() + duration.toNanos();
		while (System.nanoTime() - end < 0) {
			Thread.onSpinWait();
		}
	}

	/**
	 * Locked methods returning futures: the work runs on {@link #work}, never on the
	 * calling thread.
	 */
	public static class AsyncJobs {

		private final ScheduledExecutorService work = Executors.newScheduledThreadPool(2);

		private final AtomicInteger running = new AtomicInteger();

		private final AtomicInteger maxOverlap = new AtomicInteger();

		/**
		 * The most bodies of {@link #timed} that ran at once; a method, since the bean is
		 * a class proxy.
		 */
		public int maxOverlap() {
			return this.maxOverlap.get();
		}

		public void shutdown() {
			this.work.shutdownNow();
		}

		/** Runs for {@code millis} and completes with the time it ended. */
		@DistributedLock(key = "#key", waitTime = "5s")
		public CompletableFuture<Long> timed(String key, long millis) {
			CompletableFuture<Long> done = new CompletableFuture<>();
			this.maxOverlap.accumulateAndGet(this.running.incrementAndGet(), Math::max);
			this.work.schedule(() -> {
				this.running.decrementAndGet();
				done.complete(System.nanoTime());
			}, millis, TimeUnit.MILLISECONDS);
			return done;
		}

		/**
		 * Waits for an answer that only comes if nobody gave up on it: it never completes
		 * by itself.
		 */
		@DistributedLock(key = "#key", waitTime = "5s")
		public CompletableFuture<String> pending(String key) {
			return new CompletableFuture<>();
		}

		@DistributedLock(key = "#key", waitTime = "5s")
		public CompletableFuture<String> failing(String key) {
			return CompletableFuture.supplyAsync(() -> {
				throw new IllegalStateException("the work failed");
			}, this.work);
		}

		@DistributedLock(key = "#key", waitTime = "0s")
		public CompletableFuture<String> quick(String key) {
			return CompletableFuture.completedFuture("ran " + key);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(DistlockAutoConfiguration.class)
	static class AsyncApplication {

		@Bean(destroyMethod = "shutdown")
		AsyncJobs asyncJobs() {
			return new AsyncJobs();
		}

	}

}
