package io.github.distlock.core;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A lock this JVM holds, as reported by {@link DefaultLockTemplate#heldLocks()}.
 *
 * @param key the key as the caller gave it
 * @param name the lock's metric name
 * @param fencingToken the lease's fencing token
 * @param owner the name of the thread that acquired it
 * @param acquiredAt when it was acquired
 * @param heldFor how long it has been held
 * @param validFor how long its local validity lasts without another renewal; negative
 * once expired
 * @param renewals successful renewals so far
 * @param lastRenewal when the last successful renewal ended, or {@code null} before the
 * first
 * @param lostReason why it was lost, or {@code null} while it is held
 */
public record HeldLock(String key, String name, long fencingToken, String owner, Instant acquiredAt, Duration heldFor,
		Duration validFor, long renewals, @Nullable Instant lastRenewal, @Nullable String lostReason) {

	/**
	 * The same lock with its key replaced, to mask it.
	 */
	public HeldLock withKey(String key) {
		return new HeldLock(key, this.name, this.fencingToken, this.owner, this.acquiredAt, this.heldFor, this.validFor,
				this.renewals, this.lastRenewal, this.lostReason);
	}

}
