package io.github.distlock.aop;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.distlock.DistributedLock;
import io.github.distlock.InvalidLockKeyException;
import io.github.distlock.LockLostEvent;
import io.github.distlock.LockLostException;
import io.github.distlock.LockNotAcquiredException;
import io.github.distlock.Lease;
import io.github.distlock.LockOptions;
import io.github.distlock.LockTemplate;
import io.github.distlock.NotAcquiredAction;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.DistlockMetricsAutoConfiguration;
import io.github.distlock.autoconfigure.LocalLockAutoConfiguration;
import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.core.LockKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class DistributedLockAspectTests {

	private final ExecutorService pool = Executors.newCachedThreadPool();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class, LocalLockAutoConfiguration.class,
				DistlockMetricsAutoConfiguration.class))
		.withPropertyValues("distlock.backend=local", "orders.ttl=7s")
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withUserConfiguration(Services.class);

	@AfterEach
	void stopPool() {
		this.pool.shutdownNow();
	}

	@Test
	void keyExpressionLocksPerArgument() {
		this.runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			Future<?> holding = this.pool.submit(() -> orders.hold(1L));
			assertThat(orders.entered().await(10, TimeUnit.SECONDS)).isTrue();
			assertThatThrownBy(() -> orders.hold(1L)).isInstanceOf(LockNotAcquiredException.class)
				.hasMessageContaining("order:1");
			assertThat(orders.quick(2L)).as("another key is independent").isEqualTo("done 2");
			orders.leave().countDown();
			holding.get(10, TimeUnit.SECONDS);
			assertThat(orders.quick(1L)).isEqualTo("done 1");
		});
	}

	@Test
	void nestedLockOnTheSameKeyDoesNotDeadlockNorReleaseEarly() {
		this.runner.run((context) -> {
			Outer outer = context.getBean(Outer.class);
			LockTemplate locks = context.getBean(LockTemplate.class);
			boolean[] heldAfterInner = new boolean[1];
			outer.run(5L,
					() -> heldAfterInner[0] = this.pool
						.submit(() -> locks.tryAcquire("order:5", LockOptions.defaults()).isEmpty())
						.get(10, TimeUnit.SECONDS));
			assertThat(heldAfterInner[0]).as("still locked after the inner method returned").isTrue();
			assertThat(locks.tryAcquire("order:5", LockOptions.defaults())).isPresent().get().satisfies(Lease::release);
		});
	}

	@Test
	void skipReturnsNullOrEmptyAndFallbackGetsTheArguments() {
		this.runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			LockTemplate locks = context.getBean(LockTemplate.class);
			try (var lease = locks.acquire("order:9", LockOptions.defaults())) {
				this.pool.submit(() -> {
					assertThat(orders.skipped(9L)).isNull();
					assertThat(orders.skippedOptional(9L)).isEmpty();
					assertThat(orders.withFallback(9L)).isEqualTo("fallback 9");
					return null;
				}).get(10, TimeUnit.SECONDS);
			}
			assertThat(orders.skipped(9L)).isEqualTo("done 9");
			assertThat(orders.withFallback(9L)).isEqualTo("done 9");
		});
	}

	@Test
	void defaultKeyIsClassAndMethodAndPlaceholdersResolve() {
		this.runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			LockTemplate locks = context.getBean(LockTemplate.class);
			try (var lease = locks.acquire(Orders.class.getName() + ".nightly", LockOptions.defaults())) {
				assertThat(this.pool.submit(orders::nightly).get(10, TimeUnit.SECONDS)).isNull();
			}
			assertThat(orders.nightly()).isEqualTo("ran");
		});
	}

	@Test
	void nullKeyAndEvaluationErrorsNameTheMethodAndExpression() {
		this.runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			assertThatThrownBy(() -> orders.byName(null)).isInstanceOf(InvalidLockKeyException.class)
				.hasMessageContaining("\"#name\"")
				.hasMessageContaining("Orders.byName(String)")
				.hasMessageContaining("null");
			assertThatThrownBy(() -> orders.byName("")).isInstanceOf(InvalidLockKeyException.class)
				.hasMessageContaining("Orders.byName(String)")
				.hasMessageContaining("empty");
			assertThatThrownBy(() -> orders.byProperty("x")).isInstanceOf(InvalidLockKeyException.class)
				.hasMessageContaining("\"#value.nothing\"")
				.hasMessageContaining("evaluating it failed");
		});
	}

	@Test
	void lostLockIsThrownAfterTheMethodReturnsAndPublishedAndCounted() {
		this.runner.withPropertyValues("distlock.lost-policy=throw").run((context) -> {
			Orders orders = context.getBean(Orders.class);
			LocalLockBackend backend = context.getBean(LocalLockBackend.class);
			Future<?> holding = this.pool.submit(() -> orders.hold(3L));
			assertThat(orders.entered().await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(backend.forceRelease(LockKeys.encode("order:3"))).isTrue();
			orders.leave().countDown();
			assertThatThrownBy(() -> holding.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LockLostException.class)
				.hasMessageContaining("order:3");
			assertThat(orders.finished()).as("the method ran to its end").hasValue(1);
			List<LockLostEvent> events = context.getBean(LostEvents.class).events;
			// Loss notifications are delivered on the distlock scheduler, not on the
			// thread that saw the loss.
			await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
			assertThat(events).singleElement().satisfies((event) -> {
				assertThat(event.getKey()).isEqualTo("order:3");
				assertThat(event.getLockName()).isEqualTo("DistributedLockAspectTests.Orders.hold");
				assertThat(event.getBackend()).isEqualTo("local");
			});
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("distlock.lost")
				.tag("lock", "DistributedLockAspectTests.Orders.hold")
				.counter()
				.count()).isEqualTo(1);
			assertThat(registry.get("distlock.hold").tag("outcome", "lost").timer().count()).isEqualTo(1);
		});
	}

	@Test
	void interruptPolicyInterruptsTheLockedMethod() {
		this.runner.withPropertyValues("distlock.lost-policy=interrupt").run((context) -> {
			Orders orders = context.getBean(Orders.class);
			LocalLockBackend backend = context.getBean(LocalLockBackend.class);
			Future<String> holding = this.pool.submit(() -> orders.hold(4L));
			assertThat(orders.entered().await(10, TimeUnit.SECONDS)).isTrue();
			backend.forceRelease(LockKeys.encode("order:4"));
			assertThat(holding.get(10, TimeUnit.SECONDS)).isEqualTo("interrupted");
		});
	}

	@Test
	void completionStageHoldsTheLockUntilItCompletes() {
		this.runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			LockTemplate locks = context.getBean(LockTemplate.class);
			CompletableFuture<String> pending = new CompletableFuture<>();
			CompletableFuture<String> result = orders.async(8L, pending);
			assertThat(this.pool.submit(() -> locks.tryAcquire("order:8", LockOptions.defaults()).isEmpty())
				.get(10, TimeUnit.SECONDS)).isTrue();
			pending.complete("ok");
			assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
			assertThat(locks.tryAcquire("order:8", LockOptions.defaults())).isPresent().get().satisfies(Lease::release);
		});
	}

	@Test
	void waitMetricIsTaggedWithTheLockNameNotTheKey() {
		this.runner.run((context) -> {
			context.getBean(Orders.class).quick(11L);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("distlock.wait")
				.tags("backend", "local", "lock", "quick-order", "outcome", "acquired")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.get("distlock.hold").tags("lock", "quick-order", "outcome", "released").timer().count())
				.isEqualTo(1);
			assertThat(registry.get("distlock.active").tags("lock", "quick-order").gauge().value()).isZero();
		});
	}

	@Test
	void lostCounterExistsAtZeroFromTheFirstUseAndTheDefaultTagIsClassAndMethod() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			String tag = "DistributedLockAspectTests.Orders.skipped";
			assertThat(registry.find("distlock.lost").tag("lock", tag).counter()).as("before the first use").isNull();
			assertThat(context.getBean(Orders.class).skipped(12L)).isEqualTo("done 12");
			assertThat(registry.get("distlock.lost").tags("backend", "local", "lock", tag).counter().count()).isZero();
			assertThat(registry.get("distlock.wait").tags("lock", tag, "outcome", "acquired").timer().count())
				.isEqualTo(1);
		});
	}

	@Test
	void invalidAnnotationsFailTheStartupNamingTheMethod() {
		assertStartupFails(BadTtl.class, "BadTtl.work()", "ttl \"ten\"", "is not a duration");
		assertStartupFails(TypeReferenceKey.class, "TypeReferenceKey.work(String)", "a type reference T(...)");
		assertStartupFails(BeanReferenceKey.class, "BeanReferenceKey.work(String)", "a bean reference");
		assertStartupFails(ConstructorKey.class, "ConstructorKey.work(String)", "a constructor call");
		assertStartupFails(UnparsableKey.class, "UnparsableKey.work(String)", "does not parse");
		assertStartupFails(MissingFallback.class, "MissingFallback.work(String)", "fallback method \"nope\"");
		assertStartupFails(SkipPrimitive.class, "SkipPrimitive.work()", "SKIP cannot return null");
		assertStartupFails(MissingPlaceholder.class, "MissingPlaceholder.work()", "cannot be resolved");
		assertStartupFails(PrivateLocked.class, "PrivateLocked.work(String)", "the method is private",
				"would run without its lock");
		assertStartupFails(FinalLocked.class, "FinalLocked.work(String)", "the method is final");
	}

	@Test
	void keysAndHoldAtLeastThatCannotWorkFailStartup() {
		assertStartupFails(KeyAndKeys.class, "KeyAndKeys.work(String, String)", "both key and keys are set",
				"for one lock, or keys = {");
		assertStartupFails(HoldLongerThanUnrenewedTtl.class, "HoldLongerThanUnrenewedTtl.work()",
				"holdAtLeast \"20s\" is longer than the ttl (\"10s\") and autoRenew is false",
				"Set ttl to at least holdAtLeast, for example ttl = \"20s\", or remove autoRenew = false");
		assertStartupFails(HoldLongerThanDefaultTtl.class, "HoldLongerThanDefaultTtl.work()",
				"is longer than the ttl (distlock.default-ttl, PT30S)");
		assertStartupFails(KeysOnStage.class, "KeysOnStage.work(String)",
				"keys (several locks) is not supported on a method returning CompletableFuture",
				"LockTemplate.acquireAll");
		assertStartupFails(EmptyKeyInKeys.class, "EmptyKeyInKeys.work(String)", "keys contains an empty expression");
		assertStartupFails(KeysOnMono.class, "KeysOnMono.work(String)",
				"keys (several locks) is not supported on a method returning Mono", "LockTemplate.acquireAll");
	}

	static void assertStartupFails(Class<?> bean, String method, String... messages) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class, LocalLockAutoConfiguration.class))
			.withPropertyValues("distlock.backend=local")
			.withBean(bean)
			.run((AssertableApplicationContext context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidLockDefinitionException.class)
					.hasMessageContaining(method)
					.hasMessageContaining(messages[0]);
				InvalidLockDefinitionException failure = (InvalidLockDefinitionException) NestedExceptionUtils
					.getMostSpecificCause(context.getStartupFailure());
				for (String message : messages) {
					assertThat(failure.getMessage() + " " + failure.getAction()).contains(message);
				}
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		Orders orders() {
			return new Orders();
		}

		@Bean
		Inner inner() {
			return new Inner();
		}

		@Bean
		Outer outer(Inner inner) {
			return new Outer(inner);
		}

		@Bean
		LostEvents lostEvents() {
			return new LostEvents();
		}

		@Bean
		LocalLockBackend localLockBackend() {
			return new LocalLockBackend();
		}

	}

	static class LostEvents implements ApplicationListener<LockLostEvent> {

		final List<LockLostEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(LockLostEvent event) {
			this.events.add(event);
		}

	}

	static class Orders {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch leave = new CountDownLatch(1);

		final java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();

		// Tests reach the state through methods: fields read through the class-based
		// proxy are the proxy's own.
		CountDownLatch entered() {
			return this.entered;
		}

		CountDownLatch leave() {
			return this.leave;
		}

		java.util.concurrent.atomic.AtomicInteger finished() {
			return this.finished;
		}

		@DistributedLock(key = "'order:' + #id", ttl = "${orders.ttl}")
		public String hold(long id) {
			this.entered.countDown();
			try {
				if (!this.leave.await(20, TimeUnit.SECONDS)) {
					return "timed out";
				}
			}
			catch (InterruptedException ex) {
				return "interrupted";
			}
			this.finished.incrementAndGet();
			return "held " + id;
		}

		@DistributedLock(key = "'order:' + #p0", name = "quick-order")
		public String quick(long id) {
			return "done " + id;
		}

		@DistributedLock(key = "'order:' + #id", onNotAcquired = NotAcquiredAction.SKIP)
		public String skipped(long id) {
			return "done " + id;
		}

		@DistributedLock(key = "'order:' + #id", onNotAcquired = NotAcquiredAction.SKIP)
		public Optional<String> skippedOptional(long id) {
			return Optional.of("done " + id);
		}

		@DistributedLock(key = "'order:' + #id", onNotAcquired = NotAcquiredAction.FALLBACK, fallback = "later")
		public String withFallback(long id) {
			return "done " + id;
		}

		String later(long id) {
			return "fallback " + id;
		}

		@DistributedLock(onNotAcquired = NotAcquiredAction.SKIP, waitTime = "${orders.wait:0s}")
		public String nightly() {
			return "ran";
		}

		@DistributedLock(key = "#name")
		public String byName(String name) {
			return name;
		}

		@DistributedLock(key = "#value.nothing")
		public String byProperty(String value) {
			return value;
		}

		@DistributedLock(key = "'order:' + #id")
		public CompletableFuture<String> async(long id, CompletableFuture<String> pending) {
			return pending;
		}

	}

	static class Inner {

		@DistributedLock(key = "'order:' + #id")
		public void run(long id, Check check) throws Exception {
		}

	}

	static class Outer {

		private final Inner inner;

		Outer(Inner inner) {
			this.inner = inner;
		}

		@DistributedLock(key = "'order:' + #id")
		public void run(long id, Check afterInner) throws Exception {
			this.inner.run(id, afterInner);
			afterInner.run();
		}

	}

	@FunctionalInterface
	interface Check {

		void run() throws Exception;

	}

	static class BadTtl {

		@DistributedLock(ttl = "ten")
		public void work() {
		}

	}

	static class TypeReferenceKey {

		@DistributedLock(key = "T(java.lang.Runtime).getRuntime().toString() + #id")
		public void work(String id) {
		}

	}

	static class BeanReferenceKey {

		@DistributedLock(key = "@orders.toString() + #id")
		public void work(String id) {
		}

	}

	static class ConstructorKey {

		@DistributedLock(key = "new java.io.File(#id).getPath()")
		public void work(String id) {
		}

	}

	static class UnparsableKey {

		@DistributedLock(key = "'order:' + ")
		public void work(String id) {
		}

	}

	static class MissingFallback {

		@DistributedLock(key = "#id", onNotAcquired = NotAcquiredAction.FALLBACK, fallback = "nope")
		public void work(String id) {
		}

	}

	static class SkipPrimitive {

		@DistributedLock(onNotAcquired = NotAcquiredAction.SKIP)
		public int work() {
			return 1;
		}

	}

	static class PrivateLocked {

		@DistributedLock(key = "'order:' + #id")
		private void work(String id) {
		}

		public void callsWork(String id) {
			work(id);
		}

	}

	static class FinalLocked {

		@DistributedLock(key = "'order:' + #id")
		public final void work(String id) {
		}

	}

	static class MissingPlaceholder {

		@DistributedLock(ttl = "${no.such.property}")
		public void work() {
		}

	}

	static class KeyAndKeys {

		@DistributedLock(key = "#a", keys = { "#a", "#b" })
		public void work(String a, String b) {
		}

	}

	static class HoldLongerThanUnrenewedTtl {

		@DistributedLock(ttl = "10s", autoRenew = false, holdAtLeast = "20s")
		public void work() {
		}

	}

	static class HoldLongerThanDefaultTtl {

		@DistributedLock(autoRenew = false, holdAtLeast = "1m")
		public void work() {
		}

	}

	static class KeysOnStage {

		@DistributedLock(keys = { "#id", "'other'" })
		public CompletableFuture<String> work(String id) {
			return CompletableFuture.completedFuture(id);
		}

	}

	static class KeysOnMono {

		@DistributedLock(keys = { "#id", "'other'" })
		public Mono<String> work(String id) {
			return Mono.just(id);
		}

	}

	static class EmptyKeyInKeys {

		@DistributedLock(keys = { "#id", " " })
		public void work(String id) {
		}

	}

}
