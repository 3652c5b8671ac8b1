package io.github.distlock;

/**
 * A held lock. Release it exactly once, best with try-with-resources:
 *
 * <pre>{@code
 * try (Lease lease = locks.acquire("invoice:" + id, options)) {
 *     storage.write(invoice, lease.fencingToken());
 * }
 * }</pre>
 *
 * <p>
 * A lease is not bound to the thread that acquired it: it may be released from any
 * thread, for example in a {@code CompletableFuture} callback.
 */
public interface Lease extends AutoCloseable {

	/**
	 * The key this lease locks, as given by the caller.
	 */
	String key();

	/**
	 * A number that strictly increases for successive holders of the same key. Pass it to
	 * the protected resource and have it reject writes carrying a smaller token than one
	 * it has seen: this, not the lock alone, protects against a holder that was paused or
	 * partitioned past its ttl.
	 */
	long fencingToken();

	/**
	 * Whether the lock is still held, judged locally without I/O: {@code false} once the
	 * lease was released, lost, or its validity deadline passed without a successful
	 * renewal.
	 */
	boolean isHeld();

	/**
	 * Registers a callback run at most once, on a distlock thread, when the lock is lost.
	 * Runs at once if the lock is already lost. Not run on a normal release.
	 */
	void onLost(Runnable callback);

	/**
	 * Releases the lock. Idempotent; never releases a lock that another holder has
	 * acquired since.
	 */
	void release();

	/**
	 * Same as {@link #release()}.
	 */
	@Override
	default void close() {
		release();
	}

}
