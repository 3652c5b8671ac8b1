package io.github.distlock;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Programmatic access to distributed locks, for code that cannot use {@link DistributedLock}.
 *
 * <pre>{@code
 * locks.execute("report:daily", LockOptions.ttl(Duration.ofMinutes(5)), () -> build());
 * }</pre>
 *
 * <p>Keys must be non-empty and at most {@value #MAX_KEY_LENGTH} characters. Calls on the same key from
 * the same thread are reentrant: a nested acquisition returns at once and the lock is released only when
 * the outermost lease is.
 */
public interface LockTemplate {

	/**
	 * The longest key accepted, in characters.
	 */
	int MAX_KEY_LENGTH = 512;

	/**
	 * Runs {@code action} holding the lock on {@code key}, then releases it.
	 * @throws LockNotAcquiredException when the lock was not acquired within the wait time
	 * @throws LockLostException when the lock was lost while {@code action} ran and the lost-lock
	 * policy is {@link LostLockPolicy#THROW}
	 * @throws LockedActionException wrapping a checked exception thrown by {@code action}; unchecked
	 * exceptions and errors propagate unchanged
	 */
	<T> T execute(String key, LockOptions options, Callable<T> action);

	/**
	 * Runs {@code action} holding the lock on {@code key}, then releases it.
	 * @see #execute(String, LockOptions, Callable)
	 */
	default void execute(String key, LockOptions options, Runnable action) {
		execute(key, options, () -> {
			action.run();
			return null;
		});
	}

	/**
	 * Acquires the lock on {@code key}, waiting up to the options' wait time.
	 * @throws LockNotAcquiredException when the lock was not acquired in time, or the thread was
	 * interrupted while waiting (its interrupt flag is then set again)
	 */
	Lease acquire(String key, LockOptions options);

	/**
	 * Acquires the lock on {@code key}, waiting up to the options' wait time.
	 * @return the lease, or empty when the lock was busy for the whole wait time
	 */
	Optional<Lease> tryAcquire(String key, LockOptions options);

}
