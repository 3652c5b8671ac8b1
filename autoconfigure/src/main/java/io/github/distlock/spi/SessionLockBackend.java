package io.github.distlock.spi;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

/**
 * Optional capability of a {@link LockBackend} whose server keeps locks alive through a
 * session (an etcd lease, a Consul session) rather than one ttl per lock.
 *
 * <p>
 * The backend speaks only the protocol: open a session with a ttl, keep it alive once,
 * close it, and report through {@link ServerSession#ended} when the server ended it. The
 * generic layer ({@code io.github.distlock.core.SharedSessions}) owns everything else,
 * once for every such backend: one session per ttl shared by the locks and waiters that
 * use it, use counts, retirement after {@link #sessionIdleTime()} without use, the
 * keepalive schedule on its one scheduler (the send time is read before each request and
 * becomes every lock's confirmation), and the fan-out of a session's end to each lock on
 * it. A session backend creates no scheduler or thread of its own for any of this.
 *
 * <p>
 * A lock template acquires through {@link #tryAcquire(LockRequest, ServerSession)} only.
 * The plain {@link #tryAcquire(LockRequest)} serves use without a lock template; a
 * backend implements it by delegating to a standalone session layer
 * ({@code SharedSessions.standalone(this)}).
 *
 * <p>
 * Session ids are opaque to the generic layer. Every method may be called from any
 * thread. A {@code LockBackendException} thrown by {@code openSession} or
 * {@code tryAcquire} while the thread's interrupt flag is set is reported to the caller
 * as the interrupt.
 */
public interface SessionLockBackend extends LockBackend {

	/**
	 * Opens a server session that lives for {@code ttl} unless kept alive. Called by an
	 * acquiring thread, never by the scheduler, so it may block for one request.
	 * @return the session's id on the server
	 * @throws io.github.distlock.LockBackendException when the server could not open one
	 */
	String openSession(Duration ttl) throws InterruptedException;

	/**
	 * Sends one keepalive for the session. Called on the generic layer's scheduler: the
	 * request should be asynchronous, since a blocking one holds a scheduler thread for
	 * as long as the server takes, and bounded by the backend's request timeout. The
	 * generic layer stops waiting for the answer after the keepalive interval and reads
	 * the send time itself, just before this call.
	 * @return a stage completing with {@code true} when the server extended the session
	 * by its ttl, {@code false} when the server says it no longer exists (etcd's lease
	 * not found, Consul's 404), or exceptionally when the server could not be asked (the
	 * generic layer retries until the ttl since the last confirmation has passed)
	 */
	CompletionStage<Boolean> keepAliveOnce(String sessionId);

	/**
	 * Ends the session on the server, so that its locks are freed now rather than at
	 * expiry. The stage must complete within the backend's request timeout, normally or
	 * exceptionally; either way the session is forgotten.
	 * @return a stage completing when the server answered or the request gave up
	 */
	CompletionStage<?> closeSession(String sessionId);

	/**
	 * Acquires the lock described by {@code request} on {@code session}, which the
	 * generic layer chose for the request's ttl and keeps alive meanwhile. When the
	 * server reports that the session is gone (etcd answers "lease not found" to a put),
	 * call {@link ServerSession#ended} and return empty: the generic layer then retries
	 * on a new session rather than answering "busy".
	 * @return the lock, or empty when it stayed busy for the whole wait time or the
	 * session ended
	 * @throws io.github.distlock.LockBackendException when the server failed or could not
	 * be reached
	 * @throws InterruptedException when the waiting thread was interrupted
	 */
	Optional<SessionLock> tryAcquire(LockRequest request, ServerSession session) throws InterruptedException;

	/**
	 * How long after its last request a session is kept alive, by default a third of the
	 * ttl, so that two keepalives can fail before the ttl runs out.
	 */
	default Duration keepAliveInterval(Duration ttl) {
		return ttl.dividedBy(3);
	}

	/**
	 * How long a session that no lock or waiter uses is kept before it is closed.
	 */
	default Duration sessionIdleTime() {
		return Duration.ofSeconds(10);
	}

	/**
	 * How a session appears in log messages and loss reasons, such as
	 * {@code etcd lease 694d7e2f8c1b3a05}.
	 */
	default String describeSession(String sessionId) {
		return name() + " session " + sessionId;
	}

	/**
	 * The loss reason when a keepalive is answered "gone", for a backend that knows what
	 * such an answer means on its server (Consul: the session was destroyed, one of its
	 * health checks failed, or it expired).
	 */
	default String describeSessionGone(String sessionId) {
		return describeSession(sessionId) + " expired or was ended on the server";
	}

	/**
	 * Why the locks were lost when the session's watch said it was gone and a keepalive
	 * confirmed it; by default {@link #describeSessionGone}.
	 */
	default String describeWatchedSessionGone(String sessionId) {
		return describeSessionGone(sessionId);
	}

	/**
	 * Waits, without a thread, for the session to change after {@code index} (at once for
	 * 0), for a backend whose server can notify (Consul's blocking query on a session),
	 * so that an end is noticed before the next keepalive would. The generic layer keeps
	 * one such watch per session, resumes a failed one after the next successful
	 * keepalive, and confirms a suspected end with a keepalive: when that finds the
	 * session alive, it stops watching the session.
	 * @return a stage completing with the index to wait from next, or with a negative
	 * number when the session seems gone; {@code null} when sessions are not watched
	 */
	default @Nullable CompletionStage<Long> watchSessionOnce(String sessionId, long index) {
		return null;
	}

	/**
	 * Called on the generic layer's scheduler after each successful keepalive, for short
	 * housekeeping that needs a live session (etcd deletes keys that a failed release
	 * left behind).
	 */
	default void keptAlive(ServerSession session) {
	}

}
