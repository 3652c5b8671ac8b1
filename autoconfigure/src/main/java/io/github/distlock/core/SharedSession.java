package io.github.distlock.core;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.github.distlock.spi.ServerSession;
import io.github.distlock.spi.SessionLockBackend;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One server session shared by every lock and waiter with its ttl (what Go's
 * {@code concurrency.Session} is for etcd), kept alive by one keepalive at a time on the
 * injected scheduler.
 *
 * <p>
 * Each keepalive is one request and one answer, and the {@link System#nanoTime()} read
 * just before sending it is an honest lower bound of the server's renewal: on success it
 * becomes the confirmation of every lock on the session, from which their validity is
 * measured. Nothing here waits for I/O on a scheduler thread: the request's answer is
 * handled when it arrives.
 *
 * <p>
 * The whole loss path: the backend answers a keepalive "gone" or calls {@link #ended};
 * {@link #end} forgets the session and calls {@link SharedSessionLock#lost} on each lock,
 * which is {@code AbstractBackendLock.reportLost}, delivered once to the lock template's
 * loss listener.
 */
final class SharedSession implements ServerSession {

	private static final Log logger = LogFactory.getLog(SharedSession.class);

	/**
	 * Retry delay after a failed keepalive, while the session may still be alive on the
	 * server.
	 */
	private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

	private final SessionLockBackend backend;

	private final ScheduledExecutorService scheduler;

	private final String id;

	private final Duration ttl;

	private final long intervalNanos;

	private final Consumer<SharedSession> onEnded;

	private final Set<SharedSessionLock> locks = ConcurrentHashMap.newKeySet();

	private final AtomicReference<@Nullable String> endedReason = new AtomicReference<>();

	private volatile long confirmedAtNanos;

	/** Whether a watch of the backend's is in flight. */
	private final AtomicBoolean watching = new AtomicBoolean();

	/** Set once a keepalive found the session alive after its watch had said gone. */
	private volatile boolean watchRefuted;

	/** Locks and waiters on this session; guarded by the {@link SharedSessions}. */
	int users;

	/**
	 * The pending close of this session once unused; guarded by the
	 * {@link SharedSessions}.
	 */
	@Nullable ScheduledFuture<?> idleClose;

	SharedSession(SessionLockBackend backend, ScheduledExecutorService scheduler, String id, Duration ttl,
			long openSentAtNanos, Consumer<SharedSession> onEnded) {
		this.backend = backend;
		this.scheduler = scheduler;
		this.id = id;
		this.ttl = ttl;
		this.intervalNanos = Math.max(1, backend.keepAliveInterval(ttl).toNanos());
		this.confirmedAtNanos = openSentAtNanos;
		this.onEnded = onEnded;
	}

	/** Starts the keepalives and the backend's watch, if it has one. */
	void start() {
		scheduleKeepAlive(this.intervalNanos);
		watch();
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public Duration ttl() {
		return this.ttl;
	}

	@Override
	public boolean isEnded() {
		return this.endedReason.get() != null;
	}

	@Override
	public void ended(String reason) {
		end(reason, false);
	}

	String describe() {
		return this.backend.describeSession(this.id);
	}

	/** How often the session is kept alive. */
	long keepAliveIntervalNanos() {
		return this.intervalNanos;
	}

	/** When the request that last renewed the session on the server was sent. */
	long confirmedAtNanos() {
		return this.confirmedAtNanos;
	}

	/** Adds a lock to those confirmed by keepalives and told of the session's end. */
	void attach(SharedSessionLock lock) {
		this.locks.add(lock);
		String reason = this.endedReason.get();
		if (reason != null) {
			lock.lost(reason);
		}
	}

	void detach(SharedSessionLock lock) {
		this.locks.remove(lock);
	}

	/**
	 * Ends the session for this JVM: keepalives stop, it is forgotten, every lock on it
	 * is reported lost, and with {@code close} the server is asked to end it (and free
	 * its locks) now rather than at expiry.
	 * @return the close request, completed at once when there is none to make
	 */
	CompletableFuture<?> end(String reason, boolean close) {
		if (!this.endedReason.compareAndSet(null, reason)) {
			return CompletableFuture.completedFuture(null);
		}
		this.onEnded.accept(this);
		for (SharedSessionLock lock : this.locks) {
			try {
				lock.lost(reason);
			}
			catch (RuntimeException ex) {
				logger.warn("A loss listener of a lock on " + describe() + " failed", ex);
			}
		}
		if (!close) {
			return CompletableFuture.completedFuture(null);
		}
		try {
			return this.backend.closeSession(this.id).toCompletableFuture().exceptionally((ex) -> {
				logger.debug("Closing " + describe() + " failed; it expires on the server by itself", ex);
				return null;
			});
		}
		catch (RuntimeException ex) {
			logger.debug("Closing " + describe() + " failed; it expires on the server by itself", ex);
			return CompletableFuture.completedFuture(null);
		}
	}

	private void keepAlive(boolean scheduled) {
		if (isEnded()) {
			return;
		}
		long sentAt = System.nanoTime();
		sendKeepAlive().whenCompleteAsync((alive, failure) -> keptAlive(sentAt, alive, failure, scheduled),
				this.scheduler);
	}

	private CompletableFuture<Boolean> sendKeepAlive() {
		CompletableFuture<Boolean> call;
		try {
			call = this.backend.keepAliveOnce(this.id).toCompletableFuture();
		}
		catch (RuntimeException ex) {
			call = CompletableFuture.failedFuture(ex);
		}
		// A copy, so that the timeout never completes a future the backend may share.
		return call.copy().orTimeout(this.intervalNanos, TimeUnit.NANOSECONDS);
	}

	private void keptAlive(long sentAt, @Nullable Boolean alive, @Nullable Throwable failure, boolean scheduled) {
		if (isEnded()) {
			return;
		}
		if (failure == null && Boolean.TRUE.equals(alive)) {
			if (sentAt - this.confirmedAtNanos > 0) {
				this.confirmedAtNanos = sentAt;
			}
			this.locks.forEach((lock) -> lock.keptAlive(sentAt));
			watch();
			try {
				this.backend.keptAlive(this);
			}
			catch (RuntimeException ex) {
				logger.warn("Housekeeping after a keepalive of " + describe() + " failed", ex);
			}
			if (scheduled) {
				scheduleKeepAlive(this.intervalNanos);
			}
		}
		else if (failure == null) {
			end(this.backend.describeSessionGone(this.id), false);
		}
		else if (System.nanoTime() - this.confirmedAtNanos - this.ttl.toNanos() >= 0) {
			// Past the ttl since the last renewal was sent: the locks are lost whatever
			// the server says later.
			end("no keepalive of " + describe() + " succeeded within the ttl of " + this.ttl.toMillis()
					+ "ms (last error: " + failure + ")", true);
		}
		else {
			logger.debug("Keepalive of " + describe() + " failed; retrying", failure);
			if (scheduled) {
				scheduleKeepAlive(Math.min(this.intervalNanos, RETRY_NANOS));
			}
		}
	}

	private void watch() {
		if (!this.watchRefuted && this.watching.compareAndSet(false, true)) {
			watchFrom(0);
		}
	}

	private void watchFrom(long index) {
		CompletionStage<Long> change;
		try {
			change = isEnded() ? null : this.backend.watchSessionOnce(this.id, index);
		}
		catch (RuntimeException ex) {
			change = CompletableFuture.failedFuture(ex);
		}
		if (change == null) {
			this.watching.set(false);
			return;
		}
		change.whenComplete((next, failure) -> {
			if (failure != null) {
				this.watching.set(false);
				logger.debug("Watching " + describe() + " failed; it resumes after the next keepalive: " + failure);
			}
			else if (next >= 0) {
				watchFrom(next);
			}
			else {
				confirmEnd();
			}
		});
	}

	/**
	 * A watch said the session is gone: a keepalive decides, since the server may only
	 * hide it (Consul hides sessions an ACL token may not read).
	 */
	private void confirmEnd() {
		long sentAt = System.nanoTime();
		sendKeepAlive().whenCompleteAsync((alive, failure) -> {
			if (failure == null && Boolean.TRUE.equals(alive)) {
				this.watchRefuted = true;
				logger.warn("The watch of " + describe() + " reported it gone, but it is alive (the server hides it, "
						+ "as Consul does from an ACL token without session read permission); its end is noticed "
						+ "at keepalives only, up to one keepalive interval late");
			}
			this.watching.set(false);
			if (failure == null && Boolean.FALSE.equals(alive)) {
				end(this.backend.describeWatchedSessionGone(this.id), false);
			}
			else {
				keptAlive(sentAt, alive, failure, false);
			}
		}, this.scheduler);
	}

	private void scheduleKeepAlive(long delayNanos) {
		try {
			this.scheduler.schedule(() -> keepAlive(true), delayNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The scheduler is shutting down; SharedSessions.close() ends every session.
		}
	}

}
