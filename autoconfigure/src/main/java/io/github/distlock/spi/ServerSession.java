package io.github.distlock.spi;

import java.time.Duration;

/**
 * A server session as the generic layer hands it to a {@link SessionLockBackend}: the
 * backend reads its id and reports when it learns that the server ended it. The generic
 * layer keeps it alive.
 */
public interface ServerSession {

	/**
	 * The session's id, as {@link SessionLockBackend#openSession} returned it.
	 */
	String id();

	/**
	 * The ttl the session was opened with: the ttl of every lock on it.
	 */
	Duration ttl();

	/**
	 * Whether the session has ended: closed by us, or reported gone.
	 */
	boolean isEnded();

	/**
	 * Reports that the server no longer has this session (it expired, was revoked or
	 * destroyed); every lock on it is reported lost, and the next acquisition opens a new
	 * session. Later reports are ignored.
	 */
	void ended(String reason);

}
