package io.github.distlock.core;

import org.jspecify.annotations.Nullable;

/**
 * Code run under a lock; may throw anything, which the caller of {@link LockRunner#run}
 * sees unchanged.
 */
@FunctionalInterface
public interface LockedAction<T> {

	/**
	 * Runs the protected code.
	 */
	@Nullable T call() throws Throwable;

}
