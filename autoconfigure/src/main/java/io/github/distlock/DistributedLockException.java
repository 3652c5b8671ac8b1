package io.github.distlock;

/**
 * Base class of the exceptions distlock throws.
 */
public class DistributedLockException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception with a message and an optional cause.
	 */
	public DistributedLockException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Creates an exception with a message.
	 */
	public DistributedLockException(String message) {
		super(message);
	}

}
