package io.github.distlock.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.distlock.Lease;
import io.github.distlock.LockBackendException;
import io.github.distlock.LockOptions;
import io.github.distlock.backend.local.LocalLockBackend;
import io.github.distlock.core.DefaultLockTemplate;
import io.github.distlock.core.LockKeys;
import io.github.distlock.core.LockSettings;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Acquisitions and holds as Observations: their names, key values and outcomes, and, with
 * a tracer, their spans nested in the caller's span.
 */
@Timeout(30)
class DistlockObservationTests {

	private final LocalLockBackend backend = new LocalLockBackend();

	@Test
	void anAcquisitionAndItsHoldAreObservedWithTheirKeyValues() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		long token;
		try (DefaultLockTemplate locks = template(this.backend, registry)) {
			try (Lease lease = locks.acquire("order:7", LockOptions.defaults().withName("orders"))) {
				token = lease.fencingToken();
				assertThat(registry).hasObservationWithNameEqualTo("distlock.hold")
					.that()
					.hasBeenStarted()
					.isNotStopped();
			}
		}
		assertThat(registry).hasNumberOfObservationsEqualTo(2)
			.hasObservationWithNameEqualTo("distlock.wait")
			.that()
			.hasContextualNameEqualTo("distlock wait orders")
			.hasLowCardinalityKeyValue("backend", "local")
			.hasLowCardinalityKeyValue("lock", "orders")
			.hasLowCardinalityKeyValue("outcome", "acquired")
			.doesNotHaveLowCardinalityKeyValueWithKey("exception")
			.hasHighCardinalityKeyValue("key", "order:7")
			.hasHighCardinalityKeyValue("fencing.token", Long.toString(token))
			.hasBeenStopped();
		assertThat(registry).hasObservationWithNameEqualTo("distlock.hold")
			.that()
			.hasContextualNameEqualTo("distlock hold orders")
			.hasLowCardinalityKeyValue("outcome", "released")
			.hasHighCardinalityKeyValue("fencing.token", Long.toString(token))
			.hasBeenStopped();
	}

	@Test
	void aBusyLockIsATimeoutAndALostOneALostHold() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		try (DefaultLockTemplate locks = template(this.backend, registry)) {
			Lease lease = locks.acquire("k", LockOptions.defaults());
			this.backend.forceRelease(LockKeys.encode("k"));
			lease.release();
			try (Lease held = locks.acquire("busy", LockOptions.defaults())) {
				Thread waiter = new Thread(() -> locks.tryAcquire("busy", LockOptions.defaults()));
				waiter.start();
				join(waiter);
			}
		}
		assertThat(registry).hasHandledContextsThatSatisfy((contexts) -> {
			assertThat(outcomes(contexts, DistlockObservationContext.Kind.HOLD)).containsExactly("lost", "released");
			assertThat(outcomes(contexts, DistlockObservationContext.Kind.WAIT)).containsExactly("acquired", "acquired",
					"timeout");
		});
	}

	@Test
	void aFailedWaitCarriesTheException() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		LockBackend failing = new LockBackend() {

			@Override
			public String name() {
				return "failing";
			}

			@Override
			public Optional<BackendLock> tryAcquire(LockRequest request) {
				throw new LockBackendException("server down", null);
			}

			@Override
			public void close() {
			}

		};
		try (DefaultLockTemplate locks = template(failing, registry)) {
			assertThatThrownBy(() -> locks.acquire("k", LockOptions.defaults().withName("jobs")))
				.isInstanceOf(LockBackendException.class);
		}
		assertThat(registry).hasSingleObservationThat()
			.hasNameEqualTo("distlock.wait")
			.hasLowCardinalityKeyValue("outcome", "error")
			.hasLowCardinalityKeyValue("exception", "LockBackendException")
			.hasError();
	}

	@Test
	void aReplacedConventionNamesTheKeyValues() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		DistlockObservationConvention convention = new DefaultDistlockObservationConvention() {

			@Override
			public io.micrometer.common.KeyValues getHighCardinalityKeyValues(DistlockObservationContext context) {
				// Keys can carry user data: this application keeps them out of its
				// traces.
				return io.micrometer.common.KeyValues.empty();
			}

		};
		try (DefaultLockTemplate locks = new DefaultLockTemplate(this.backend, LockSettings.defaults(), List.of(),
				new ObservationLockObserver(registry, convention))) {
			locks.execute("customer:alice", LockOptions.defaults(), () -> {
			});
		}
		assertThat(registry).hasObservationWithNameEqualTo("distlock.wait")
			.that()
			.doesNotHaveHighCardinalityKeyValueWithKey("key")
			.hasLowCardinalityKeyValue("outcome", "acquired");
	}

	@Test
	void withATracerTheWaitAndHoldAreSpansInTheCallersSpanAndTheLockedWorkInTheHold() {
		SimpleTracer tracer = new SimpleTracer();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
		try (DefaultLockTemplate locks = template(this.backend, registry)) {
			Observation.createNotStarted("request", registry)
				.observe(() -> locks.execute("report:daily", LockOptions.defaults().withName("reports"),
						() -> Observation.createNotStarted("work", registry).observe(() -> {
						})));
		}
		Map<String, SimpleSpan> spans = spansByName(tracer);
		assertThat(spans).containsOnlyKeys("request", "distlock wait reports", "distlock hold reports", "work");
		SimpleSpan request = spans.get("request");
		SimpleSpan wait = spans.get("distlock wait reports");
		SimpleSpan hold = spans.get("distlock hold reports");
		assertThat(wait.getTraceId()).isEqualTo(request.getTraceId());
		assertThat(wait.getParentId()).isEqualTo(request.getSpanId());
		assertThat(hold.getParentId()).isEqualTo(request.getSpanId());
		assertThat(spans.get("work").getParentId()).as("the locked work runs in the hold").isEqualTo(hold.getSpanId());
		assertThat(hold.getTags()).containsEntry("lock", "reports")
			.containsEntry("outcome", "released")
			.containsEntry("key", "report:daily")
			.containsKey("fencing.token");
	}

	private static Map<String, SimpleSpan> spansByName(SimpleTracer tracer) {
		return tracer.getSpans()
			.stream()
			.collect(java.util.stream.Collectors.toMap(SimpleSpan::getName, (span) -> span));
	}

	private static List<String> outcomes(List<Observation.Context> contexts, DistlockObservationContext.Kind kind) {
		return contexts.stream()
			.map(DistlockObservationContext.class::cast)
			.filter((context) -> context.getKind() == kind)
			.map(DistlockObservationContext::getOutcome)
			.toList();
	}

	private static DefaultLockTemplate template(LockBackend backend, ObservationRegistry registry) {
		return new DefaultLockTemplate(backend, LockSettings.defaults(), List.of(),
				new ObservationLockObserver(registry, null));
	}

	private static void join(Thread thread) {
		try {
			thread.join(Duration.ofSeconds(10).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		assertThat(thread.isAlive()).isFalse();
	}

}
