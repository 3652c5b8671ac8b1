package io.github.distlock.spi;

import java.time.Duration;

/**
 * A {@link BackendLock} whose expiry the server keeps per lock (Redis, local), so the end
 * of a {@code holdAtLeast} can be left to the server: it then holds even when this
 * instance crashes or shuts down before it.
 */
public interface ExpiringBackendLock extends BackendLock {

	/**
	 * Makes the server expire the lock {@code remaining} from now, if, and only if, it is
	 * still ours; nothing renews it afterwards.
	 * @return {@code false} when the lock was already gone or owned by another holder
	 * @throws io.github.distlock.LockBackendException when the server could not be asked
	 */
	boolean expireAfter(Duration remaining) throws InterruptedException;

}
