package io.github.distlock.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

import io.github.distlock.LockOptions;
import org.jspecify.annotations.Nullable;

/**
 * What the {@code @DistributedLock} aspect needs of the generic layer: run a method under
 * its lock, or start asynchronous work under it, and say what happens when the lock stays
 * busy.
 */
public interface LockRunner {

	/**
	 * Runs {@code action} holding the lock on {@code key}, releases it, and applies the
	 * lost-lock policy.
	 * @param key a string, or a list or array of parts
	 * @param otherwise what to return (or throw) when the lock stayed busy for the whole
	 * wait time
	 */
	<T> @Nullable T run(Object key, LockOptions options, LockedAction<T> action, NotAcquired<T> otherwise)
			throws Throwable;

	/**
	 * Runs {@code action} holding the locks on all {@code keys}, acquired in one global
	 * order and released together, and applies the lost-lock policy to each.
	 * @param keys strings, or lists or arrays of parts
	 * @param otherwise what to return (or throw) when a key stayed busy for the whole
	 * wait time
	 */
	<T> @Nullable T runAll(List<?> keys, LockOptions options, LockedAction<T> action, NotAcquired<T> otherwise)
			throws Throwable;

	/**
	 * Starts asynchronous work holding the lock on {@code key} and keeps the lock until
	 * the work's stage ends or the caller gives the returned stage up (see
	 * {@link io.github.distlock.LockTemplate#executeAsync}).
	 * @param declaredType the type the returned stage must have
	 * @param holder who holds the lock, for log messages
	 */
	@Nullable Object runAsync(Object key, LockOptions options, LockedAction<? extends CompletionStage<?>> start,
			Class<?> declaredType, String holder, NotAcquired<Object> otherwise) throws Throwable;

	/**
	 * Holds the lock on {@code key} for each subscription to the {@code Mono} (when
	 * {@code single}) or {@code Flux} returned, while the publisher that {@code start}
	 * returns runs (see {@link io.github.distlock.ReactiveLockTemplate}); needs Reactor
	 * on the classpath.
	 * @param otherwise supplies the publisher to use when the lock stayed busy;
	 * {@code null} for an empty one
	 * @return the Mono or Flux
	 */
	Object runReactive(Object key, LockOptions options, LockedAction<?> start, boolean single,
			NotAcquired<Object> otherwise);

	/**
	 * What a locked call does instead of running when its lock stayed busy.
	 */
	@FunctionalInterface
	interface NotAcquired<T> {

		/**
		 * @param waitTime the wait time that ran out
		 */
		@Nullable T handle(Duration waitTime) throws Throwable;

	}

}
