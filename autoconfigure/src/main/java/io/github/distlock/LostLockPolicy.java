package io.github.distlock;

/**
 * What happens to code running under a lock when the lock is lost (renewal failed, the
 * server expired or deleted it, the connection or session was lost). Whatever the policy,
 * the loss is logged, counted in {@code distlock.lost}, published as a
 * {@link LockLostEvent} and reported to {@link Lease#onLost(Runnable)} callbacks.
 */
public enum LostLockPolicy {

	/**
	 * Log the loss at ERROR and let the method run to its end.
	 */
	LOG,

	/**
	 * Interrupt the thread running the locked method, so blocking calls in it stop early.
	 * The interrupt flag distlock set is cleared again once the method has returned.
	 */
	INTERRUPT,

	/**
	 * Let the method run to its end, then throw {@link LockLostException} to its caller
	 * instead of returning its result.
	 */
	THROW

}
