package io.github.distlock;

import org.springframework.context.ApplicationEvent;

/**
 * Published to the application context when a held lock is lost. Listen with
 * {@code @EventListener} to alert or to compensate.
 */
public class LockLostEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final String key;

	private final String lockName;

	private final String backend;

	private final long fencingToken;

	private final String reason;

	/**
	 * Creates the event.
	 */
	public LockLostEvent(Object source, String key, String lockName, String backend, long fencingToken, String reason) {
		super(source);
		this.key = key;
		this.lockName = lockName;
		this.backend = backend;
		this.fencingToken = fencingToken;
		this.reason = reason;
	}

	/**
	 * The key of the lost lock.
	 */
	public String getKey() {
		return this.key;
	}

	/**
	 * The lock's metric name.
	 */
	public String getLockName() {
		return this.lockName;
	}

	/**
	 * The backend that held it.
	 */
	public String getBackend() {
		return this.backend;
	}

	/**
	 * The fencing token the lost lease carried.
	 */
	public long getFencingToken() {
		return this.fencingToken;
	}

	/**
	 * Why the lock is considered lost.
	 */
	public String getReason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return "LockLostEvent[key=" + this.key + ", lock=" + this.lockName + ", backend=" + this.backend
				+ ", fencingToken=" + this.fencingToken + ", reason=" + this.reason + "]";
	}

}
