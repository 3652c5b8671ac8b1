package io.github.distlock.core;

/**
 * Observes lock activity; metrics and application events attach here. Implementations
 * must be fast and must not block: they run on the acquiring, releasing or distlock
 * scheduler threads. An exception thrown by a listener is logged and otherwise ignored.
 */
public interface LockListener {

	/**
	 * An acquisition attempt ended after {@code waitNanos}.
	 */
	default void acquireFinished(LockInfo lock, AcquireOutcome outcome, long waitNanos) {
	}

	/**
	 * A lease acquired earlier was released after {@code holdNanos}; {@code lost} tells
	 * whether it had been lost meanwhile.
	 */
	default void released(LockInfo lock, boolean lost, long holdNanos) {
	}

	/**
	 * A held lease was lost.
	 */
	default void lost(LockInfo lock, long fencingToken, String reason) {
	}

	/**
	 * How an acquisition attempt ended.
	 */
	enum AcquireOutcome {

		/** The lock was acquired. */
		ACQUIRED,

		/** The lock stayed busy for the whole wait time. */
		TIMEOUT,

		/** The backend failed or the waiting thread was interrupted. */
		ERROR

	}

	/**
	 * What is known of a lock when it is observed.
	 *
	 * @param key the key as the caller gave it (high cardinality: never a metric tag)
	 * @param name the low-cardinality lock name
	 * @param backend the backend's name
	 */
	record LockInfo(String key, String name, String backend) {
	}

}
