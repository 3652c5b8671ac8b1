package io.github.distlock.aop;

import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.distlock.DistributedLock;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;

import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Return types whose work outlives the method in a way the aspect cannot follow fail at
 * startup (when the proxy is built), naming the method and what to return instead.
 */
class UnholdableReturnTypeTests {

	@Test
	void aStreamFailsTheApplicationsStartup() {
		DistributedLockAspectTests.assertStartupFails(ReturnsStream.class, "ReturnsStream.work()",
				"returns Stream, which the caller reads after the method returned");
	}

	@Test
	void aPlainFutureIsRefused() {
		assertRefused(ReturnsFuture.class, "returns Future", "Return CompletableFuture or CompletionStage");
	}

	@Test
	void streamsAndIteratorsAreRefused() {
		assertRefused(ReturnsStream.class, "returns Stream, which the caller reads after",
				"Collect the elements into a List");
		assertRefused(ReturnsIntStream.class, "returns IntStream", "Flux.fromStream");
		assertRefused(ReturnsIterator.class, "returns Iterator", "Collect the elements into a List");
	}

	@Test
	void reactiveTypesOtherThanMonoAndFluxAreRefused() {
		assertRefused(ReturnsPublisher.class,
				"returns OwnPublisher, a reactive type distlock cannot hold a lock across", "Return Mono or Flux");
		assertRefused(ReturnsFlowPublisher.class, "returns Publisher, a reactive", "Flux.from(publisher)");
	}

	private static void assertRefused(Class<?> bean, String problem, String remedy) {
		LockedMethodResolver resolver = new LockedMethodResolver(new MockEnvironment());
		Method work = ReflectionUtils.findMethod(bean, "work");
		assertThatThrownBy(() -> resolver.resolve(work, bean))
			.isInstanceOfSatisfying(InvalidLockDefinitionException.class, (failure) -> {
				assertThat(failure).hasMessageContaining(bean.getSimpleName() + ".work()")
					.hasMessageContaining(problem);
				assertThat(failure.getAction()).contains(remedy);
			});
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
