package io.github.distlock.aop;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.distlock.DistributedLock;
import io.github.distlock.autoconfigure.DistlockAutoConfiguration;
import io.github.distlock.autoconfigure.LocalLockAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Return types whose work outlives the method in a way the aspect cannot follow fail at
 * startup, naming the method and what to return instead.
 */
class UnholdableReturnTypeTests {

	@Test
	void aPlainFutureFailsStartup() {
		assertStartupFails(ReturnsFuture.class, "ReturnsFuture.work()", "returns Future",
				"Return CompletableFuture or CompletionStage");
	}

	@Test
	void streamsAndIteratorsFailStartup() {
		assertStartupFails(ReturnsStream.class, "ReturnsStream.work()", "returns Stream, which the caller reads after",
				"Collect the elements into a List");
		assertStartupFails(ReturnsIntStream.class, "ReturnsIntStream.work()", "returns IntStream", "Flux.fromStream");
		assertStartupFails(ReturnsIterator.class, "ReturnsIterator.work()", "returns Iterator",
				"Collect the elements into a List");
	}

	@Test
	void reactiveTypesOtherThanMonoAndFluxFailStartup() {
		assertStartupFails(ReturnsPublisher.class, "ReturnsPublisher.work()",
				"returns OwnPublisher, a reactive type distlock cannot hold a lock across", "Return Mono or Flux");
		assertStartupFails(ReturnsFlowPublisher.class, "ReturnsFlowPublisher.work()", "returns Publisher, a reactive",
				"Flux.from(publisher)");
	}

	private static void assertStartupFails(Class<?> bean, String method, String problem, String remedy) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DistlockAutoConfiguration.class, LocalLockAutoConfiguration.class))
			.withPropertyValues("distlock.backend=local")
			.withBean(bean)
			.run((AssertableApplicationContext context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidLockDefinitionException.class)
					.hasMessageContaining(method)
					.hasMessageContaining(problem);
				InvalidLockDefinitionException failure = (InvalidLockDefinitionException) rootCause(
						context.getStartupFailure());
				assertThat(failure.getAction()).contains(remedy);
			});
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	static class ReturnsFuture {

		@DistributedLock
		public Future<String> work() {
			return new FutureTask<>(() -> "done");
		}

	}

	static class ReturnsStream {

		@DistributedLock
		public Stream<String> work() {
			return Stream.of("a");
		}

	}

	static class ReturnsIntStream {

		@DistributedLock
		public IntStream work() {
			return IntStream.of(1);
		}

	}

	static class ReturnsIterator {

		@DistributedLock
		public Iterator<String> work() {
			return List.of("a").iterator();
		}

	}

	static class ReturnsPublisher {

		@DistributedLock
		public OwnPublisher work() {
			return new OwnPublisher();
		}

	}

	static class ReturnsFlowPublisher {

		@DistributedLock
		public Flow.Publisher<String> work() {
			return (subscriber) -> {
			};
		}

	}

	static class OwnPublisher implements Publisher<String> {

		@Override
		public void subscribe(Subscriber<? super String> subscriber) {
		}

	}

}
