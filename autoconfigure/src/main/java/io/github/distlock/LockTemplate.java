package io.github.distlock;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Programmatic access to distributed locks, for code that cannot use
 * {@link DistributedLock}.
 *
 * <pre>{@code
 * locks.execute("report:daily", LockOptions.ttl(Duration.ofMinutes(5)), () -> build());
 * }</pre>
 *
 * <p>
 * Keys must be non-empty and at most {@value #MAX_KEY_LENGTH} characters. Calls on the
 * same key from the same thread are reentrant while the outer hold encloses them (its
 * lease is not yet released, or its {@code execute} action is running): a nested
 * acquisition returns at once and the lock is released only when the outermost lease is.
 * {@link #executeAsync} holds are never reentered: see there.
 */
public interface LockTemplate {

	/**
	 * The longest key accepted, in characters.
	 */
	int MAX_KEY_LENGTH = 512;

	/**
	 * Runs {@code action} holding the lock on {@code key}, then releases it.
	 * @throws LockNotAcquiredException when the lock was not acquired within the wait
	 * time
	 * @throws LockLostException when the lock was lost while {@code action} ran and the
	 * lost-lock policy is {@link LostLockPolicy#THROW}
	 * @throws LockedActionException wrapping a checked exception thrown by
	 * {@code action}; unchecked exceptions and errors propagate unchanged
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
	 * Holds the lock on {@code key} until the stage that {@code action} returns
	 * completes. The lock is acquired on the calling thread (waiting up to the options'
	 * wait time), then {@code action} runs on it and starts the work. The returned future
	 * completes with the work's result after the lock was released. Cancelling it (or
	 * completing it, or its {@code orTimeout}) releases the lock at once and cancels the
	 * work's stage when that is a {@code Future}; a stage collected without completing
	 * releases the lock too.
	 *
	 * <p>
	 * Not reentrant: a later call on the same key from the same thread waits for this
	 * hold like any other caller, and a call made while this thread holds the key already
	 * (inside {@code execute} or {@code action}, or with an unreleased lease) fails with
	 * {@link LockNotAcquiredException}, since its work would overlap the enclosing hold
	 * and waiting would deadlock the thread. Code running in the work itself, on other
	 * threads, is not inside the hold either: locking the same key there waits for it.
	 * @return the work's future; it fails with {@link LockNotAcquiredException} when the
	 * lock was not acquired, and with whatever {@code action} threw
	 */
	<T> CompletableFuture<T> executeAsync(String key, LockOptions options,
			Supplier<? extends CompletionStage<T>> action);

	/**
	 * Acquires the lock on {@code key}, waiting up to the options' wait time.
	 * @throws LockNotAcquiredException when the lock was not acquired in time, or the
	 * thread was interrupted while waiting (its interrupt flag is then set again)
	 */
	Lease acquire(String key, LockOptions options);

	/**
	 * Acquires the lock on {@code key}, waiting up to the options' wait time.
	 * @return the lease, or empty when the lock was busy for the whole wait time
	 */
	Optional<Lease> tryAcquire(String key, LockOptions options);

	/**
	 * Acquires the locks on all {@code keys} in one global order, the same on every
	 * instance whatever the order given, so that callers locking the same keys cannot
	 * deadlock; the wait time bounds the whole acquisition. When a key stays busy, the
	 * locks already taken are released. Duplicate keys are locked once.
	 * @throws LockNotAcquiredException when a key was not acquired in time
	 */
	MultiLease acquireAll(Collection<String> keys, LockOptions options);

	/**
	 * Runs {@code action} holding the locks on all {@code keys} (acquired as by
	 * {@link #acquireAll}), then releases them; the lost-lock policy applies to each.
	 * @see #execute(String, LockOptions, Callable)
	 */
	<T> T executeAll(Collection<String> keys, LockOptions options, Callable<T> action);

}
