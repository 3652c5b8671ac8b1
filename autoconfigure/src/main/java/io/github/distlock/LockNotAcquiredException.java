package io.github.distlock;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The lock was held by someone else for the whole wait time (or the waiting thread was
 * interrupted).
 */
public class LockNotAcquiredException extends DistributedLockException {

	private static final long serialVersionUID = 1L;

	private final String key;

	/**
	 * Creates the exception for a key that stayed busy for {@code waitTime}.
	 */
	public LockNotAcquiredException(String key, Duration waitTime) {
		super("Lock '" + key + "' is held by another owner and was not acquired within " + waitTime
				+ "; raise waitTime or handle the busy case with onNotAcquired");
		this.key = key;
	}

	/**
	 * Creates the exception with a specific message and cause.
	 */
	public LockNotAcquiredException(String key, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.key = key;
	}

	/**
	 * The key that was not acquired.
	 */
	public String getKey() {
		return this.key;
	}

}
