package io.github.distlock;

/**
 * The lock was lost while the code it protected ran, so that code may have overlapped
 * with another holder. Thrown after the code returns when the lost-lock policy is
 * {@link LostLockPolicy#THROW}.
 */
public class LockLostException extends DistributedLockException {

	private static final long serialVersionUID = 1L;

	private final String key;

	/**
	 * Creates the exception for a key lost for the given reason.
	 */
	public LockLostException(String key, String reason) {
		super("Lock '" + key + "' was lost while held: " + reason);
		this.key = key;
	}

	/**
	 * The key whose lock was lost.
	 */
	public String getKey() {
		return this.key;
	}

}
