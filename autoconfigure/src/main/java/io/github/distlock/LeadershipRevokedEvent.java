package io.github.distlock;

import org.springframework.context.ApplicationEvent;

/**
 * Published when this instance stops leading a role: its lease was lost or its local
 * validity ended (before another instance can be granted the role), or the application is
 * shutting down. {@link Leadership#isLeader(String)} is already {@code false} then.
 */
public class LeadershipRevokedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final String role;

	private final long fencingToken;

	private final String reason;

	/**
	 * Creates the event.
	 */
	public LeadershipRevokedEvent(Object source, String role, long fencingToken, String reason) {
		super(source);
		this.role = role;
		this.fencingToken = fencingToken;
		this.reason = reason;
	}

	/**
	 * The role this instance no longer leads.
	 */
	public String getRole() {
		return this.role;
	}

	/**
	 * The fencing token of the leadership that ended.
	 */
	public long getFencingToken() {
		return this.fencingToken;
	}

	/**
	 * Why it ended.
	 */
	public String getReason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return "LeadershipRevokedEvent[role=" + this.role + ", fencingToken=" + this.fencingToken + ", reason="
				+ this.reason + "]";
	}

}
