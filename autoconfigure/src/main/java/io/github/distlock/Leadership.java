package io.github.distlock;

import java.util.OptionalLong;
import java.util.Set;

/**
 * Which roles this instance leads. A role is led by at most one instance at a time: the
 * one holding the role's lock, which distlock campaigns for from startup for every role
 * named in {@link LeaderOnly} or in {@code distlock.leadership.roles}, renews while it is
 * held, campaigns for again (with back-off) after a loss, and gives up at shutdown.
 *
 * <p>
 * Every answer is local, without I/O: leadership ends the moment the lease's local
 * validity ends ({@link Lease#isHeld()}), which is before the server can grant the role
 * to another instance. {@link LeadershipGrantedEvent} and {@link LeadershipRevokedEvent}
 * announce the changes.
 */
public interface Leadership {

	/**
	 * Whether this instance leads {@code role} now; {@code false} for a role nobody here
	 * campaigns for.
	 */
	boolean isLeader(String role);

	/**
	 * The fencing token of this instance's leadership of {@code role}, or empty when it
	 * does not lead it. Tokens strictly increase from one leader to the next: pass it to
	 * the resources the leader writes to.
	 */
	OptionalLong fencingToken(String role);

	/**
	 * The roles this instance leads now.
	 */
	Set<String> leadingRoles();

	/**
	 * The roles this instance campaigns for.
	 */
	Set<String> roles();

}
