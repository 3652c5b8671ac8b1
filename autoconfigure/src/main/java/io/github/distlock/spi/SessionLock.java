package io.github.distlock.spi;

/**
 * A lock held on a {@link ServerSession}: it lives exactly as long as the session, so the
 * session's keepalives confirm it and the session's end loses it. The generic layer turns
 * it into a {@link BackendLock}.
 */
public interface SessionLock {

	/**
	 * A number that strictly increases for successive holders of the same key.
	 */
	long fencingToken();

	/**
	 * Checks on the server what a keepalive cannot see, such as the lock's key deleted by
	 * an operator; it extends nothing, the session's keepalive does. Called at each
	 * renewal of the lease.
	 * @return {@code false} when the lock is gone or owned by someone else
	 * @throws io.github.distlock.LockBackendException when the server could not be asked
	 */
	default boolean stillHeld() throws InterruptedException {
		return true;
	}

	/**
	 * Releases the lock on the server if, and only if, it is still ours
	 * (compare-and-delete). The session itself stays, for the next lock.
	 * @return {@code true} when our lock was deleted; {@code false} when it was already
	 * gone or owned by another holder
	 * @throws io.github.distlock.LockBackendException when the server could not be
	 * reached
	 */
	boolean release();

	/**
	 * Whether a client of another instance waited for this lock when {@link #release()}
	 * freed it, as {@link BackendLock#othersWaitedAtRelease()} describes.
	 * @return whether others waited
	 */
	default boolean othersWaitedAtRelease() {
		return true;
	}

}
