package io.github.distlock.core;

import java.time.Instant;

/**
 * A lock this JVM lost while holding it, as reported by
 * {@link DefaultLockTemplate#recentLosses()}.
 *
 * @param time when the loss was reported
 * @param key the key as the caller gave it
 * @param name the lock's metric name
 * @param fencingToken the lost lease's fencing token
 * @param reason why it was lost
 */
public record LostLock(Instant time, String key, String name, long fencingToken, String reason) {

	/**
	 * The same loss with its key replaced, to mask it.
	 */
	public LostLock withKey(String key) {
		return new LostLock(this.time, key, this.name, this.fencingToken, this.reason);
	}

}
