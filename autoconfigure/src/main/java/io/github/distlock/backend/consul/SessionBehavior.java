package io.github.distlock.backend.consul;

import java.util.Locale;

/**
 * What Consul does with the lock keys of a session that is invalidated (destroyed,
 * expired, or failed by one of its health checks).
 */
public enum SessionBehavior {

	/** The keys stay and are unlocked; waiters acquire them after the lock-delay. */
	RELEASE,

	/** The keys are deleted; waiters acquire them after the lock-delay. */
	DELETE;

	/** The value of the session's {@code Behavior} field. */
	String apiValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}
