package io.github.distlock.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.distlock.spi.AbstractBackendLock;
import io.github.distlock.spi.SessionLock;

/**
 * A backend's {@link SessionLock} as a {@link io.github.distlock.spi.BackendLock} of the
 * generic layer: confirmed by its session's keepalives, lost when the session ends, and
 * counted as a user of the session until released.
 */
final class SharedSessionLock extends AbstractBackendLock {

	private final SessionLock lock;

	private final SharedSession session;

	private final SharedSessions sessions;

	private final AtomicBoolean left = new AtomicBoolean();

	SharedSessionLock(SessionLock lock, SharedSession session, SharedSessions sessions) {
		super(lock.fencingToken(), session.confirmedAtNanos());
		this.lock = lock;
		this.session = session;
		this.sessions = sessions;
	}

	/**
	 * The session's keepalives extend this lock and confirm it; renewal checks only what
	 * they cannot see.
	 */
	@Override
	public boolean renew() throws InterruptedException {
		if (isLostReported() || this.session.isEnded()) {
			return false;
		}
		return this.lock.stillHeld();
	}

	/**
	 * As long as the session's keepalives are on schedule, plus the default's tenth of
	 * the ttl: the keepalives, not the hand-over, keep this lock confirmed.
	 */
	@Override
	public long handOverWindowNanos(Duration ttl) {
		return this.session.keepAliveIntervalNanos() + ttl.toNanos() / 10;
	}

	/**
	 * Releases the lock, then leaves the session: leaving first could retire an idle
	 * session, and close it on the server, before the release request is sent (Consul
	 * then frees the key itself and answers the release "not ours").
	 */
	@Override
	public boolean release() {
		try {
			return this.lock.release();
		}
		finally {
			if (this.left.compareAndSet(false, true)) {
				this.session.detach(this);
				this.sessions.leave(this.session);
			}
		}
	}

	@Override
	public boolean othersWaitedAtRelease() {
		return this.lock.othersWaitedAtRelease();
	}

	/** The id of the session this lock is on. */
	String sessionId() {
		return this.session.id();
	}

	void keptAlive(long sentAtNanos) {
		confirmed(sentAtNanos);
	}

	void lost(String reason) {
		reportLost(reason);
	}

}
