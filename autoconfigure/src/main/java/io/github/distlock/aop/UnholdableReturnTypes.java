package io.github.distlock.aop;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.concurrent.Future;
import java.util.stream.BaseStream;

import org.jspecify.annotations.Nullable;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.util.ClassUtils;

/**
 * Return types whose work goes on after the method returned in a way the aspect cannot
 * follow, so the lock would end while the work still runs: they fail at startup.
 */
final class UnholdableReturnTypes {

	private static final String REACTIVE_PUBLISHER = "org.reactivestreams.Publisher";

	private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Flux",
			UnholdableReturnTypes.class.getClassLoader());

	private UnholdableReturnTypes() {
	}

	/**
	 * What is wrong with returning {@code type} from a locked method, or {@code null}
	 * when nothing is (for types other than {@code CompletionStage}, {@code Mono} and
	 * {@code Flux}, which the caller handles first).
	 */
	static @Nullable String problem(Class<?> type) {
		String name = type.getSimpleName();
		if (Future.class.isAssignableFrom(type)) {
			return "it returns " + name + ", which cannot tell distlock when its work ends, so the lock would be "
					+ "released when the method returns while the work still runs";
		}
		if (BaseStream.class.isAssignableFrom(type) || Iterator.class.isAssignableFrom(type)
				|| Spliterator.class.isAssignableFrom(type)) {
			return "it returns " + name + ", which the caller reads after the method returned, when the lock is "
					+ "released already";
		}
		if (isReactive(type)) {
			return "it returns " + name + ", a reactive type distlock cannot hold a lock across (it holds locks across "
					+ "Reactor's Mono and Flux and across CompletionStage)";
		}
		return null;
	}

	/**
	 * What to return instead of {@code type}.
	 */
	static String remedy(Class<?> type) {
		if (Future.class.isAssignableFrom(type)) {
			return "Return CompletableFuture or CompletionStage (the lock is then held until it completes), or wait "
					+ "for the result inside the method.";
		}
		String reactor = REACTOR_PRESENT ? "" : " (add io.projectreactor:reactor-core)";
		if (!isReactive(type)) {
			return "Collect the elements into a List inside the method, or return a Flux" + reactor
					+ " (Flux.fromStream(...), Flux.fromIterable(...)) so that the lock is held while they are read.";
		}
		return "Return Mono or Flux" + reactor
				+ ", converting with Flux.from(publisher), Mono.from(publisher) or the library's Reactor adapter.";
	}

	private static boolean isReactive(Class<?> type) {
		return implementsPublisher(type) || ReactiveAdapterRegistry.getSharedInstance().getAdapter(type) != null;
	}

	private static boolean implementsPublisher(Class<?> type) {
		for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
			if (candidate.getName().equals(REACTIVE_PUBLISHER)) {
				return true;
			}
			for (Class<?> implemented : candidate.getInterfaces()) {
				if (implementsPublisher(implemented)) {
					return true;
				}
			}
		}
		return false;
	}

}
