package io.github.distlock;

import org.jspecify.annotations.Nullable;

/**
 * The lock server could not be reached or answered with an error, so it is unknown
 * whether the lock is free; this is never reported as a busy lock.
 *
 * <p>
 * A failure is {@linkplain #isTransient() transient} when it is of the kind that passes
 * by itself (connection refused or reset, a timeout, a leader election, a cluster
 * reconfiguring); the backend that throws it decides. The lock template retries an
 * acquisition that failed transiently until the caller's wait time runs out, and fails at
 * once on any other failure (credentials, permissions, an invalid request).
 */
public class LockBackendException extends DistributedLockException {

	private static final long serialVersionUID = 1L;

	private final boolean transientFailure;

	/**
	 * Creates the exception with the backend's failure as cause; not transient.
	 */
	public LockBackendException(String message, Throwable cause) {
		this(message, cause, false);
	}

	/**
	 * Creates the exception with the backend's failure as cause, saying whether the
	 * failure is transient.
	 */
	public LockBackendException(String message, @Nullable Throwable cause, boolean transientFailure) {
		super(message, cause);
		this.transientFailure = transientFailure;
	}

	/**
	 * Creates the exception with a message; not transient.
	 */
	public LockBackendException(String message) {
		this(message, null, false);
	}

	/**
	 * Creates the exception with a message, saying whether the failure is transient.
	 */
	public LockBackendException(String message, boolean transientFailure) {
		this(message, null, transientFailure);
	}

	/**
	 * Whether the failure is of a kind that passes by itself, so that trying again a
	 * moment later may succeed.
	 */
	public boolean isTransient() {
		return this.transientFailure;
	}

}
