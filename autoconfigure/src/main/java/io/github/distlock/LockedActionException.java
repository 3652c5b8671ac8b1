package io.github.distlock;

/**
 * Wraps a checked exception thrown by the action passed to
 * {@link LockTemplate#execute(String, LockOptions, java.util.concurrent.Callable)}; the
 * lock was released before it was thrown. The original exception is the cause.
 */
public class LockedActionException extends DistributedLockException {

	private static final long serialVersionUID = 1L;

	/**
	 * Wraps the action's checked exception.
	 */
	public LockedActionException(String key, Exception cause) {
		super("The action run under lock '" + key + "' threw " + cause, cause);
	}

}
