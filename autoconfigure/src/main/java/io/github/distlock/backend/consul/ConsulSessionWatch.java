package io.github.distlock.backend.consul;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.distlock.spi.ServerSession;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Watches sessions with blocking queries, so that a session's end (destroyed, a health
 * check failed, expired) is reported at once rather than at its next renewal. Each query
 * is answered on the HTTP client's selector thread and the next one is sent from there: a
 * watch holds a connection while it waits, never a thread.
 */
final class ConsulSessionWatch {

	private static final Log logger = LogFactory.getLog(ConsulSessionWatch.class);

	private final ConsulApi api;

	/** Sessions whose blocking query is in flight, so that each has one watch at most. */
	private final Set<String> watched = ConcurrentHashMap.newKeySet();

	/**
	 * Set once Consul hid a live session from our token: watches cannot see ends then.
	 */
	private volatile boolean sessionsHidden;

	ConsulSessionWatch(ConsulApi api) {
		this.api = api;
	}

	/**
	 * Starts watching {@code session} unless it is watched already or Consul hides
	 * sessions from our token; called again after each successful renewal, which resumes
	 * a watch that failed (there is no timer of our own to retry with).
	 */
	void watch(ServerSession session) {
		if (!this.sessionsHidden && this.watched.add(session.id())) {
			query(session, 0);
		}
	}

	private void query(ServerSession session, long index) {
		if (session.isEnded()) {
			this.watched.remove(session.id());
			return;
		}
		this.api.sessionVisible(session.id(), index, ConsulApi.MAX_BLOCKING_WAIT).whenComplete((visible, failure) -> {
			if (failure != null) {
				this.watched.remove(session.id());
				logger.debug("Watching Consul session " + session.id() + " failed; it resumes after the next renewal: "
						+ failure.getMessage());
			}
			else if (visible.value()) {
				query(session, visible.index());
			}
			else {
				confirmGone(session);
			}
		});
	}

	/**
	 * Consul hides sessions from a token without session read permission, so an empty
	 * answer is checked with a renewal before the locks are declared lost.
	 */
	private void confirmGone(ServerSession session) {
		this.api.renewSession(session.id()).whenComplete((alive, failure) -> {
			this.watched.remove(session.id());
			if (failure != null) {
				// The scheduled renewals retry and decide.
				logger.debug("Checking Consul session " + session.id() + " failed: " + failure.getMessage());
			}
			else if (!alive) {
				session.ended(ConsulLockBackend.gone(session.id(), "Consul reported it gone"));
			}
			else if (!this.sessionsHidden) {
				this.sessionsHidden = true;
				logger.warn("Consul hides session " + session.id() + " from distlock's ACL token (no session read "
						+ "permission); losses are noticed at renewals only, up to half a ttl late");
			}
		});
	}

}
