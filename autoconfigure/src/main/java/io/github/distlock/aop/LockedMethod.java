package io.github.distlock.aop;

import java.lang.reflect.Method;
import java.util.List;

import io.github.distlock.LockOptions;
import io.github.distlock.NotAcquiredAction;
import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;

/**
 * A {@link io.github.distlock.DistributedLock} method as parsed once at startup.
 *
 * @param method the annotated method
 * @param keyExpression the parsed key expression, or {@code null} for the fixed default
 * key
 * @param fixedKey the key used when there is no expression
 * @param parameterNames the names bound as SpEL variables
 * @param options ttl, wait time, auto-renew and metric name
 * @param notAcquired what to do when the lock is busy
 * @param fallback the fallback method, when {@code notAcquired} is FALLBACK
 * @param returnKind how the method's result completes
 * @param keyExpressions the parsed {@code keys}, locked together; empty for one key
 */
record LockedMethod(Method method, @Nullable Expression keyExpression, String fixedKey, String[] parameterNames,
		LockOptions options, NotAcquiredAction notAcquired, @Nullable Method fallback, ReturnKind returnKind,
		List<Expression> keyExpressions) {

	/**
	 * How a locked method's result completes, which decides when the lock is released.
	 */
	enum ReturnKind {

		/** A plain value: release when the method returns. */
		SYNC,

		/** An {@code Optional}: like SYNC, but SKIP returns an empty Optional. */
		OPTIONAL,

		/** A {@code CompletionStage}: release when the stage completes. */
		COMPLETION_STAGE,

		/**
		 * A Reactor {@code Mono}: one hold per subscription, released when it ends; SKIP
		 * is an empty Mono.
		 */
		MONO,

		/**
		 * A Reactor {@code Flux}: one hold per subscription, released when it ends; SKIP
		 * is an empty Flux.
		 */
		FLUX

	}

}
