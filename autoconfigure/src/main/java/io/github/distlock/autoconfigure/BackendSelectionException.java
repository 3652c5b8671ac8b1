package io.github.distlock.autoconfigure;

import io.github.distlock.DistributedLockException;

/**
 * No lock backend can be chosen or created from the application's classpath and configuration.
 */
public class BackendSelectionException extends DistributedLockException {

	private static final long serialVersionUID = 1L;

	private final String action;

	/**
	 * Creates the exception.
	 * @param problem what is wrong
	 * @param action what to add to {@code application.yml} or the pom
	 */
	public BackendSelectionException(String problem, String action) {
		super(problem);
		this.action = action;
	}

	/**
	 * Creates the exception with a cause.
	 */
	public BackendSelectionException(String problem, String action, Throwable cause) {
		super(problem, cause);
		this.action = action;
	}

	/**
	 * What to add to {@code application.yml} or the pom.
	 */
	public String getAction() {
		return this.action;
	}

}
