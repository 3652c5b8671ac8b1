package io.github.distlock;

/**
 * A lock key was null, empty or too long.
 */
public class InvalidLockKeyException extends DistributedLockException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception with a message saying what was wrong and what to do.
	 */
	public InvalidLockKeyException(String message) {
		super(message);
	}

}
