package io.github.distlock;

/**
 * The lock server could not be reached or answered with an error, so it is unknown
 * whether the lock is free; this is never reported as a busy lock.
 */
public class LockBackendException extends DistributedLockException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception with the backend's failure as cause.
	 */
	public LockBackendException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Creates the exception with a message.
	 */
	public LockBackendException(String message) {
		super(message);
	}

}
