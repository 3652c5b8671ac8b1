package io.github.distlock.it.contract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.distlock.DistributedLock;
import io.github.distlock.LockOptions;
import io.github.distlock.ReactiveLockTemplate;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Locks held across a {@code Mono} or {@code Flux}, on a real backend, through the aspect
 * and through {@link ReactiveLockTemplate}: two subscriptions from one thread are two
 * holds that never overlap, and a hold ends when its publisher completes, fails or is
 * cancelled, leaving nothing held in the JVM or on the server; the
 * {@code CompletionStage} cases of {@link AsyncHoldContractTests} run on the same server.
 */
public abstract class ReactiveHoldContractTests extends AsyncHoldContractTests {

	private static final int CANCELLED_CALLS = 1000;

	private static final int KEYS = 100;

	@Override
	protected Class<?>[] applicationSources() {
		List<Class<?>> sources = new ArrayList<>(List.of(super.applicationSources()));
		sources.add(ReactiveApplication.class);
		return sources.toArray(Class<?>[]::new);
	}

	@Test
	void twoSubscriptionsToOneMonoFromOneThreadRunOneAfterTheOther() throws Exception {
		ReactiveJobs jobs = jobs();
		String key = unique("mono-serial");
		Mono<Long> locked = jobs.timed(key, Duration.ofMillis(300));
		assertThat(subscribeTwiceFromOneThread(locked)).hasSize(2);
		assertThat(jobs.events(key)).containsExactly("start", "end", "start", "end");
	}

	@Test
	void twoSubscriptionsToOneFluxFromOneThreadRunOneAfterTheOther() throws Exception {
		ReactiveJobs jobs = jobs();
		String key = unique("flux-serial");
		Flux<Long> locked = jobs.ticks(key, 3);
		assertThat(subscribeTwiceFromOneThread(locked.count())).hasSize(2);
		assertThat(jobs.events(key)).containsExactly("start", "end", "start", "end");
	}

	@Test
	void failingMonoAndFluxRelease() throws Exception {
		ReactiveJobs jobs = jobs();
		String key = unique("failing");
		CompletableFuture<Throwable> monoFailure = new CompletableFuture<>();
		jobs.failingMono(key).subscribe(null, monoFailure::complete);
		assertThat(monoFailure.get(10, TimeUnit.SECONDS)).hasMessage("the work failed");
		assertAcquiresAtOnce(key);
		List<Object> fluxSignals = new CopyOnWriteArrayList<>();
		CompletableFuture<Throwable> fluxFailure = new CompletableFuture<>();
		jobs.failingFlux(key).subscribe(fluxSignals::add, fluxFailure::complete);
		assertThat(fluxFailure.get(10, TimeUnit.SECONDS)).hasMessage("the work failed");
		assertThat(fluxSignals).containsExactly("first");
		assertAcquiresAtOnce(key);
		assertNothingHeld(key);
	}

	@Test
	void cancelledSubscriptionsLeaveNothingHeld() throws Exception {
		ReactiveJobs jobs = jobs();
		ReactiveLockTemplate template = context().getBean(ReactiveLockTemplate.class);
		// A ttl longer than the wait for the server to be empty: a lock left behind
		// cannot
		// pass for one released by expiry.
		LockOptions options = LockOptions.ttl(Duration.ofSeconds(60)).withWaitTime(Duration.ofSeconds(5));
		String prefix = unique("cancelled");
		for (int i = 0; i < CANCELLED_CALLS; i++) {
			String key = prefix + (i % KEYS);
			CountDownLatch started = new CountDownLatch(1);
			Disposable call = switch (i % 4) {
				case 0 -> jobs.pendingMono(key, started).subscribe();
				case 1 -> jobs.pendingFlux(key, started).subscribe();
				case 2 ->
					template.execute(key, options, Mono.never().doOnSubscribe((s) -> started.countDown())).subscribe();
				default ->
					template.execute(key, options, Flux.never().doOnSubscribe((s) -> started.countDown())).subscribe();
			};
			if (i % 10 == 0) {
				// Cancelled while the work runs under the lock.
				assertThat(started.await(10, TimeUnit.SECONDS)).as("call %d started", i).isTrue();
			}
			else {
				// Cancelled while waiting, acquiring, or just after.
				spin(Duration.ofNanos((i % 15) * 100_000L));
			}
			call.dispose();
		}
		assertNothingHeld(prefix);
		assertAcquiresAtOnce(prefix + 7);
	}

	private ReactiveJobs jobs() {
		return context().getBean(ReactiveJobs.class);
	}

	/**
	 * Subscribes twice from one Reactor thread, as a pipeline on an event loop would.
	 */
	private static <T> List<T> subscribeTwiceFromOneThread(Mono<T> locked) throws Exception {
		Scheduler loop = Schedulers.newSingle("event-loop");
		try {
			List<T> results = new CopyOnWriteArrayList<>();
			CountDownLatch done = new CountDownLatch(2);
			loop.schedule(() -> {
				locked.subscribe(results::add, (failure) -> done.countDown(), done::countDown);
				locked.subscribe(results::add, (failure) -> done.countDown(), done::countDown);
			});
			assertThat(done.await(30, TimeUnit.SECONDS)).as("both subscriptions ended").isTrue();
			return results;
		}
		finally {
			loop.dispose();
		}
	}

	/**
	 * Locked methods returning Mono and Flux; each subscription runs the method again.
	 */
	public static class ReactiveJobs {

		private final List<String> events = new CopyOnWriteArrayList<>();

		/**
		 * What the bodies run under {@code key} did, in order; a method, since the bean
		 * is a class proxy.
		 */
		public List<String> events(String key) {
			return this.events.stream()
				.filter((event) -> event.startsWith(key))
				.map((event) -> event.substring(key.length() + 1))
				.toList();
		}

		@DistributedLock(key = "#key", waitTime = "10s")
		public Mono<Long> timed(String key, Duration duration) {
			this.events.add(key + " start");
			return Mono.delay(duration).doOnNext((tick) -> this.events.add(key + " end"));
		}

		@DistributedLock(key = "#key", waitTime = "10s")
		public Flux<Long> ticks(String key, int count) {
			this.events.add(key + " start");
			return Flux.interval(Duration.ofMillis(100)).take(count).doOnComplete(() -> this.events.add(key + " end"));
		}

		@DistributedLock(key = "#key", waitTime = "5s")
		public Mono<String> failingMono(String key) {
			return Mono.delay(Duration.ofMillis(50)).then(Mono.error(new IllegalStateException("the work failed")));
		}

		@DistributedLock(key = "#key", waitTime = "5s")
		public Flux<String> failingFlux(String key) {
			return Flux.concat(Flux.just("first"),
					Mono.delay(Duration.ofMillis(50)).then(Mono.error(new IllegalStateException("the work failed"))));
		}

		/** Never completes by itself; counts {@code started} down when it runs. */
		@DistributedLock(key = "#key", ttl = "60s", waitTime = "5s")
		public Mono<String> pendingMono(String key, CountDownLatch started) {
			started.countDown();
			return Mono.never();
		}

		/** Never completes by itself; counts {@code started} down when it runs. */
		@DistributedLock(key = "#key", ttl = "60s", waitTime = "5s")
		public Flux<String> pendingFlux(String key, CountDownLatch started) {
			started.countDown();
			return Flux.never();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReactiveApplication {

		@Bean
		ReactiveJobs reactiveJobs() {
			return new ReactiveJobs();
		}

	}

}
