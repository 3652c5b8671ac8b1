package io.github.distlock;

/**
 * What a {@link DistributedLock} method does when its lock could not be acquired in time.
 */
public enum NotAcquiredAction {

	/**
	 * Throw {@link LockNotAcquiredException}.
	 */
	THROW,

	/**
	 * Do not run the method; return {@code null}, or an empty {@link java.util.Optional}
	 * for methods returning {@code Optional}. Not allowed on methods returning a
	 * primitive.
	 */
	SKIP,

	/**
	 * Call the method named by {@link DistributedLock#fallback()} with the same arguments
	 * and return its result.
	 */
	FALLBACK

}
