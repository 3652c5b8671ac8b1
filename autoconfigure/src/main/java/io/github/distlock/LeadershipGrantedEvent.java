package io.github.distlock;

import org.springframework.context.ApplicationEvent;

/**
 * Published when this instance becomes the leader of a role (see {@link Leadership}).
 */
public class LeadershipGrantedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final String role;

	private final long fencingToken;

	/**
	 * Creates the event.
	 */
	public LeadershipGrantedEvent(Object source, String role, long fencingToken) {
		super(source);
		this.role = role;
		this.fencingToken = fencingToken;
	}

	/**
	 * The role now led by this instance.
	 */
	public String getRole() {
		return this.role;
	}

	/**
	 * The fencing token of this leadership; larger than any earlier leader's.
	 */
	public long getFencingToken() {
		return this.fencingToken;
	}

	@Override
	public String toString() {
		return "LeadershipGrantedEvent[role=" + this.role + ", fencingToken=" + this.fencingToken + "]";
	}

}
