package io.github.distlock.aop;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.github.distlock.DistributedLock;
import io.github.distlock.Lease;
import io.github.distlock.LockLostException;
import io.github.distlock.LockNotAcquiredException;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.LostLockPolicy;
import io.github.distlock.NotAcquiredAction;
import io.github.distlock.ReactiveLockTemplate;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.LocalLockAutoConfiguration;
import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockKeys;
import io.github.distlock.core.ObservedBackend;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Locked methods returning {@code Mono} or {@code Flux}, and
 * {@link ReactiveLockTemplate}: one hold per subscription, held until the publisher
 * completes, fails or is cancelled, acquired and released off non-blocking threads, and
 * the not-acquired and lost-lock policies in reactive form.
 */
@Timeout(60)
class ReactiveLockedMethodTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ExecutorService caller = Executors.newSingleThreadExecutor();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class, LocalLockAutoConfiguration.class))
		.withPropertyValues("distlock.backend=local")
		.withUserConfiguration(Services.class);

	private final ApplicationContextRunner local = this.runner.withUserConfiguration(LocalBackend.class);

	@AfterEach
	void stopCaller() {
		this.caller.shutdownNow();
	}

	@Test
	void twoSubscriptionsFromOneNonBlockingThreadAreTwoHolds() {
		this.local.run((context) -> {
			ReactiveJobs jobs = context.getBean(ReactiveJobs.class);
			Sinks.One<String> firstWork = Sinks.one();
			Mono<String> locked = jobs.hold("r1", firstWork.asMono());
			List<String> results = new CopyOnWriteArrayList<>();
			// Like a pipeline on an event loop: both subscriptions from one
			// non-blocking thread.
			Schedulers.parallel().schedule(() -> {
				locked.subscribe(results::add);
				locked.subscribe(results::add);
			});
			awaitWaiterOnTheLock();
			assertThat(jobs.started()).as("the second subscription's body waits for the first hold").isEqualTo(1);
			assertThat(heldLocks(context)).hasSize(1);
			firstWork.tryEmitValue("done");
			await().atMost(WAIT).until(() -> results.size() == 2);
			assertThat(jobs.started()).isEqualTo(2);
			await().atMost(WAIT).until(() -> heldLocks(context).isEmpty());
		});
	}

	@Test
	void aMonoValueArrivesAfterTheRelease() {
		this.local.run((context) -> {
			ReactiveJobs jobs = context.getBean(ReactiveJobs.class);
			assertThat(jobs.hold("r2", Mono.just("v")).map((value) -> heldLocks(context).size()).block(WAIT)).isZero();
		});
	}

	@Test
	void anErrorReleasesBeforeTheSubscriberSeesIt() {
		this.local.run((context) -> {
			ReactiveJobs jobs = context.getBean(ReactiveJobs.class);
			AtomicInteger heldWhenFailed = new AtomicInteger(-1);
			Mono<String> failing = jobs.hold("r3", Mono.error(new IllegalStateException("boom")))
				.doOnError((failure) -> heldWhenFailed.set(heldLocks(context).size()));
			assertThatThrownBy(() -> failing.block(WAIT)).hasMessage("boom");
			assertThat(heldWhenFailed).hasValue(0);
			assertAcquiresAtOnce(context, "r3");
		});
	}

	@Test
	void cancellingTheSubscriptionReleasesTheLock() {
		this.local.run((context) -> {
			ReactiveJobs jobs = context.getBean(ReactiveJobs.class);
			CountDownLatch workCancelled = new CountDownLatch(1);
			Disposable subscription = jobs.hold("r4", Mono.<String>never().doOnCancel(workCancelled::countDown))
				.subscribe();
			await().atMost(WAIT).until(() -> heldLocks(context).size() == 1);
			subscription.dispose();
			assertThat(workCancelled.await(10, TimeUnit.SECONDS)).as("the work is cancelled").isTrue();
			await().atMost(WAIT).until(() -> heldLocks(context).isEmpty());
			assertAcquiresAtOnce(context, "r4");
		});
	}

	@Test
	void cancellingWhileWaitingGivesUpTheWait() {
		this.local.run((context) -> {
			ReactiveJobs jobs = context.getBean(ReactiveJobs.class);
			Lease busy = acquireElsewhere(context, "r5");
			Disposable waiting = jobs.hold("r5", Mono.just("never runs")).subscribe();
			awaitWaiterOnTheLock();
			waiting.dispose();
			await().atMost(WAIT).until(() -> !waiterOnTheLock());
			busy.release();
			assertThat(jobs.started()).isZero();
			assertAcquiresAtOnce(context, "r5");
		});
	}

	@Test
	void aFluxHoldsTheLockWhileItsElementsFlowAndCompletesAfterTheRelease() {
		this.local.run((context) -> {
			ReactiveJobs jobs = context.getBean(ReactiveJobs.class);
			List<Integer> heldPerElement = new CopyOnWriteArrayList<>();
			AtomicInteger heldAtCompletion = new AtomicInteger(-1);
			jobs.stream("r6", Flux.range(1, 3))
				.doOnNext((element) -> heldPerElement.add(heldLocks(context).size()))
				.doOnComplete(() -> heldAtCompletion.set(heldLocks(context).size()))
				.blockLast(WAIT);
			assertThat(heldPerElement).containsExactly(1, 1, 1);
			assertThat(heldAtCompletion).hasValue(0);
		});
	}

	@Test
	void aBusyLockIsSkippedFallenBackOrAnError() {
		this.local.run((context) -> {
			ReactiveJobs jobs = context.getBean(ReactiveJobs.class);
			Lease busy = acquireElsewhere(context, "r7");
			assertThat(jobs.skipping("r7").block(WAIT)).isNull();
			assertThat(jobs.skippingMany("r7").collectList().block(WAIT)).isEmpty();
			assertThat(jobs.withFallback("r7").block(WAIT)).isEqualTo("fallback");
			assertThatThrownBy(() -> jobs.throwing("r7").block(WAIT)).isInstanceOf(LockNotAcquiredException.class)
				.hasMessageContaining("'r7'");
			busy.release();
			assertThat(jobs.withFallback("r7").block(WAIT)).isEqualTo("ran");
		});
	}

	@Test
	void nothingIsAcquiredUntilSubscriptionAndTheMethodRunsPerSubscription() {
		this.local.run((context) -> {
			ReactiveJobs jobs = context.getBean(ReactiveJobs.class);
			Mono<String> locked = jobs.hold("r8", Mono.just("v"));
			assertThat(jobs.started()).isZero();
			assertThat(heldLocks(context)).isEmpty();
			locked.block(WAIT);
			locked.block(WAIT);
			assertThat(jobs.started()).isEqualTo(2);
		});
	}

	@Test
	void backendCallsNeverRunOnANonBlockingThread() {
		this.runner.withUserConfiguration(RecordingBackendConfiguration.class).run((context) -> {
			ReactiveJobs jobs = context.getBean(ReactiveJobs.class);
			RecordingBackendConfiguration backend = context.getBean(RecordingBackendConfiguration.class);
			String result = Mono.defer(() -> jobs.hold("r9", Mono.just("v")))
				.subscribeOn(Schedulers.parallel())
				.publishOn(Schedulers.parallel())
				.block(WAIT);
			assertThat(result).isEqualTo("v");
			await().atMost(WAIT).until(() -> backend.calls.size() == 2);
			assertThat(backend.calls).containsExactly("acquire on a thread that may block",
					"release on a thread that may block");
		});
	}

	@Test
	void subscribingOnAThreadThatHoldsTheKeyFailsAtOnce() {
		this.local.run((context) -> {
			ReactiveJobs jobs = context.getBean(ReactiveJobs.class);
			LockTemplate locks = context.getBean(LockTemplate.class);
			assertThatThrownBy(() -> locks.execute("r10", LockOptions.defaults().withWaitTime(Duration.ofSeconds(30)),
					() -> jobs.hold("r10", Mono.just("v")).block(WAIT)))
				.isInstanceOf(LockNotAcquiredException.class)
				.hasMessageContaining("enclosing call on this thread");
		});
	}

	@Test
	void theLeaseIsInTheSubscriberContext() {
		this.local.run((context) -> {
			ReactiveJobs jobs = context.getBean(ReactiveJobs.class);
			assertThat(jobs.token("r11").block(WAIT)).isPositive();
			assertThat(ReactiveLockTemplate.currentLease().block(WAIT)).as("outside a locked pipeline").isNull();
		});
	}

	@Test
	void templateHoldsEachSubscription() {
		this.local.run((context) -> {
			ReactiveLockTemplate locks = context.getBean(ReactiveLockTemplate.class);
			List<Integer> held = locks
				.execute("t1", LockOptions.defaults(), Flux.range(1, 2).map((element) -> heldLocks(context).size()))
				.collectList()
				.block(WAIT);
			assertThat(held).containsExactly(1, 1);
			assertThat(locks.execute("t1", LockOptions.defaults(), Mono.just("x")).block(WAIT)).isEqualTo("x");
			assertThat(heldLocks(context)).isEmpty();
			Lease busy = acquireElsewhere(context, "t1");
			assertThatThrownBy(() -> locks.execute("t1", LockOptions.defaults(), Mono.just("x")).block(WAIT))
				.isInstanceOf(LockNotAcquiredException.class);
			busy.release();
		});
	}

	@Test
	void lossUnderInterruptCancelsTheWorkAndFailsTheSubscriber() {
		this.local.run((context) -> {
			ReactiveLockTemplate locks = context.getBean(ReactiveLockTemplate.class);
			CountDownLatch workCancelled = new CountDownLatch(1);
			CompletableFuture<Throwable> failure = new CompletableFuture<>();
			locks
				.execute("t2", LockOptions.defaults().withLostPolicy(LostLockPolicy.INTERRUPT),
						Mono.<String>never().doOnCancel(workCancelled::countDown))
				.subscribe(null, failure::complete);
			await().atMost(WAIT).until(() -> heldLocks(context).size() == 1);
			context.getBean(LocalLockBackend.class).forceRelease(LockKeys.encode("t2"));
			assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(LockLostException.class)
				.hasMessageContaining("'t2'");
			assertThat(workCancelled.getCount()).isZero();
			await().atMost(WAIT).until(() -> heldLocks(context).isEmpty());
		});
	}

	@Test
	void lossUnderThrowFailsTheSubscriberWhenTheWorkEnds() {
		this.local.run((context) -> {
			ReactiveLockTemplate locks = context.getBean(ReactiveLockTemplate.class);
			Sinks.One<String> work = Sinks.one();
			AtomicReference<String> value = new AtomicReference<>();
			CompletableFuture<Throwable> failure = new CompletableFuture<>();
			locks.execute("t3", LockOptions.defaults().withLostPolicy(LostLockPolicy.THROW), work.asMono())
				.subscribe(value::set, failure::complete);
			await().atMost(WAIT).until(() -> heldLocks(context).size() == 1);
			context.getBean(LocalLockBackend.class).forceRelease(LockKeys.encode("t3"));
			work.tryEmitValue("finished");
			assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(LockLostException.class);
		});
	}

	private Lease acquireElsewhere(ApplicationContext context, String key) throws Exception {
		LockTemplate locks = context.getBean(LockTemplate.class);
		return this.caller.submit(() -> locks.acquire(key, LockOptions.defaults())).get(10, TimeUnit.SECONDS);
	}

	private void assertAcquiresAtOnce(ApplicationContext context, String key) throws Exception {
		LockTemplate locks = context.getBean(LockTemplate.class);
		Optional<Lease> lease = this.caller.submit(() -> locks.tryAcquire(key, LockOptions.defaults()))
			.get(10, TimeUnit.SECONDS);
		assertThat(lease).isPresent();
		lease.get().release();
	}

	private static List<?> heldLocks(ApplicationContext context) {
		return context.getBean(DefaultLockTemplate.class).heldLocks();
	}

	private static void awaitWaiterOnTheLock() {
		await().atMost(WAIT).until(ReactiveLockedMethodTests::waiterOnTheLock);
	}

	/**
	 * Whether a thread waits in the in-JVM queue for a lock.
	 */
	private static boolean waiterOnTheLock() {
		return Thread.getAllStackTraces()
			.values()
			.stream()
			.anyMatch((stack) -> List.of(stack)
				.stream()
				.anyMatch((frame) -> frame.getMethodName().equals("tryTakePermit")));
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		ReactiveJobs reactiveJobs() {
			return new ReactiveJobs();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LocalBackend {

		@Bean
		LocalLockBackend localLockBackend() {
			return new LocalLockBackend();
		}

	}

	/**
	 * The local backend, noting whether each acquisition and release ran on a thread that
	 * must not block.
	 */
	@Configuration(proxyBeanMethods = false)
	static class RecordingBackendConfiguration {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Bean
		ObservedBackend recordingBackend() {
			return new ObservedBackend(new LocalLockBackend(),
					(call) -> this.calls.add(call + (Schedulers.isInNonBlockingThread() ? " on a non-blocking thread"
							: " on a thread that may block")));
		}

	}

	static class ReactiveJobs {

		private final AtomicInteger started = new AtomicInteger();

		/**
		 * How many bodies of {@link #hold} began; a method, since the bean is a class
		 * proxy.
		 */
		public int started() {
			return this.started.get();
		}

		@DistributedLock(key = "#key", waitTime = "10s")
		public Mono<String> hold(String key, Mono<String> work) {
			this.started.incrementAndGet();
			return work;
		}

		@DistributedLock(key = "#key", waitTime = "10s")
		public Flux<Integer> stream(String key, Flux<Integer> work) {
			return work;
		}

		@DistributedLock(key = "#key", waitTime = "0s", onNotAcquired = NotAcquiredAction.SKIP)
		public Mono<String> skipping(String key) {
			return Mono.just("ran");
		}

		@DistributedLock(key = "#key", waitTime = "0s", onNotAcquired = NotAcquiredAction.SKIP)
		public Flux<String> skippingMany(String key) {
			return Flux.just("ran");
		}

		@DistributedLock(key = "#key", waitTime = "0s", onNotAcquired = NotAcquiredAction.FALLBACK, fallback = "busy")
		public Mono<String> withFallback(String key) {
			return Mono.just("ran");
		}

		public Mono<String> busy(String key) {
			return Mono.just("fallback");
		}

		@DistributedLock(key = "#key", waitTime = "0s")
		public Mono<String> throwing(String key) {
			return Mono.just("ran");
		}

		@DistributedLock(key = "#key")
		public Mono<Long> token(String key) {
			return ReactiveLockTemplate.currentLease().map(Lease::fencingToken);
		}

	}

}
