package io.github.distlock.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A lock this JVM holds, as reported by {@link DefaultLockTemplate#heldLocks()}.
 *
 * @param key the key as the caller gave it
 * @param name the lock's metric name
 * @param fencingToken the lease's fencing token
 * @param heldFor how long it has been held
 * @param validFor how long its local validity lasts without another renewal; negative
 * once expired
 * @param lostReason why it was lost, or {@code null} while it is held
 */
public record HeldLock(String key, String name, long fencingToken, Duration heldFor, Duration validFor,
		@Nullable String lostReason) {
}
