package io.github.distlock.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.github.distlock.LockBackendException;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.ConnectionCheck;
import io.github.distlock.spi.LockBackend;
import io.github.distlock.spi.LockRequest;
import io.github.distlock.spi.SessionLock;
import io.github.distlock.spi.SessionLockBackend;
import org.jspecify.annotations.Nullable;

/**
 * The generic session layer: a {@link LockBackend} over a {@link SessionLockBackend} that
 * owns the life of its server sessions, once for every such backend.
 *
 * <p>
 * One session per ttl, opened on first use and shared by every lock and waiter with that
 * ttl; a use count that includes waiters; retirement once nobody used it for the
 * backend's idle time; keepalives on the injected scheduler; and every session closed on
 * {@link #close()}. A session is opened outside this object's monitor, so a slow server
 * never blocks the scheduler threads, which take the monitor when a session ends.
 * {@link #close()} ends the sessions only: the backend itself is closed by its owner.
 */
public class SharedSessions implements LockBackend {

	/**
	 * Acquiring again after the server ended our session while we queued is tried this
	 * many times in all.
	 */
	private static final int ATTEMPTS = 3;

	private final SessionLockBackend backend;

	private final ScheduledExecutorService scheduler;

	private final Map<Duration, SharedSession> sessions = new HashMap<>();

	private boolean closed;

	/**
	 * Creates the layer over {@code backend}, keeping time on {@code scheduler}; see
	 * {@link #wrap} and {@link #standalone}.
	 */
	SharedSessions(SessionLockBackend backend, ScheduledExecutorService scheduler) {
		this.backend = Objects.requireNonNull(backend, "backend");
		this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
	}

	/**
	 * {@code backend} under a session layer on {@code scheduler} when it is a
	 * {@link SessionLockBackend}, otherwise {@code backend} itself. The result offers
	 * {@link ConnectionCheck} exactly when {@code backend} does.
	 */
	public static LockBackend wrap(LockBackend backend, ScheduledExecutorService scheduler) {
		if (!(backend instanceof SessionLockBackend sessions)) {
			return backend;
		}
		return (backend instanceof ConnectionCheck) ? new Checked(sessions, scheduler)
				: new SharedSessions(sessions, scheduler);
	}

	/**
	 * Closes the sessions of a backend from {@link #wrap}; does nothing for any other
	 * backend.
	 */
	public static void closeSessions(LockBackend backend) {
		if (backend instanceof SharedSessions sessions) {
			sessions.close();
		}
	}

	/**
	 * A session layer for a backend used on its own, without a lock template: it keeps
	 * time on one scheduler thread shared by all such layers of the JVM, started at the
	 * first keepalive.
	 */
	public static SharedSessions standalone(SessionLockBackend backend) {
		return new SharedSessions(backend, StandaloneScheduler.INSTANCE);
	}

	@Override
	public String name() {
		return this.backend.name();
	}

	@Override
	public Optional<BackendLock> tryAcquire(LockRequest request) throws InterruptedException {
		long deadline = System.nanoTime() + request.waitTime().toNanos();
		LockRequest attemptRequest = request;
		for (int attempt = 1;; attempt++) {
			SharedSession session = join(request.ttl());
			boolean held = false;
			try {
				LockRequest current = attemptRequest;
				Optional<SessionLock> lock = interruptibly(() -> this.backend.tryAcquire(current, session));
				if (lock.isPresent()) {
					SharedSessionLock shared = new SharedSessionLock(lock.get(), session, this);
					session.attach(shared);
					held = true;
					return Optional.of(shared);
				}
				if (!session.isEnded()) {
					return Optional.empty();
				}
				if (attempt == ATTEMPTS) {
					throw new LockBackendException(name() + " ended our session " + ATTEMPTS + " times in a row while "
							+ "queuing for lock '" + request.key() + "'", true);
				}
			}
			finally {
				if (!held) {
					leave(session);
				}
			}
			Duration remaining = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
			attemptRequest = new LockRequest(request.key(), request.ttl(), remaining);
		}
	}

	/**
	 * Calls the backend; a backend failure that an interrupt caused (the flag is set) is
	 * that interrupt, so that the caller sees the cause it acted on.
	 */
	private <T> T interruptibly(BackendCall<T> call) throws InterruptedException {
		try {
			return call.run();
		}
		catch (LockBackendException ex) {
			if (Thread.interrupted()) {
				InterruptedException interrupted = new InterruptedException("Interrupted while waiting for " + name());
				interrupted.initCause(ex);
				throw interrupted;
			}
			throw ex;
		}
	}

	private interface BackendCall<T> {

		T run() throws InterruptedException;

	}

	/**
	 * The live session for {@code ttl}, opened if there is none; counts one more user
	 * until {@link #leave}.
	 */
	SharedSession join(Duration ttl) throws InterruptedException {
		SharedSession existing = joinExisting(ttl);
		if (existing != null) {
			return existing;
		}
		long sentAt = System.nanoTime();
		String id = interruptibly(() -> this.backend.openSession(ttl));
		SharedSession opened = new SharedSession(this.backend, this.scheduler, id, ttl, sentAt, this::forget);
		SharedSession winner;
		try {
			synchronized (this) {
				winner = joinExisting(ttl);
				if (winner == null) {
					this.sessions.put(ttl, opened);
					opened.users++;
				}
			}
		}
		catch (LockBackendException closing) {
			opened.end("the " + name() + " lock backend was closed", true);
			throw closing;
		}
		if (winner == null) {
			opened.start();
			return opened;
		}
		// Another thread opened one for this ttl meanwhile; ours was never used.
		opened.end(opened.describe() + " was opened twice", true);
		return winner;
	}

	private synchronized @Nullable SharedSession joinExisting(Duration ttl) {
		if (this.closed) {
			throw new LockBackendException("The " + name() + " lock backend is closed");
		}
		SharedSession session = this.sessions.get(ttl);
		if (session == null || session.isEnded()) {
			return null;
		}
		session.users++;
		if (session.idleClose != null) {
			session.idleClose.cancel(false);
			session.idleClose = null;
		}
		return session;
	}

	/** Counts one user less; the last one out schedules the idle close. */
	synchronized void leave(SharedSession session) {
		if (--session.users > 0 || session.isEnded() || this.closed) {
			return;
		}
		try {
			session.idleClose = this.scheduler.schedule(() -> closeIfIdle(session),
					this.backend.sessionIdleTime().toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closing: close() ends every session.
		}
	}

	private void closeIfIdle(SharedSession session) {
		synchronized (this) {
			if (session.users > 0 || this.sessions.get(session.ttl()) != session) {
				return;
			}
			// Removed before closing, so that join() opens a new session rather than
			// reusing this one.
			this.sessions.remove(session.ttl());
		}
		session.end(session.describe() + " was idle", true);
	}

	private synchronized void forget(SharedSession session) {
		this.sessions.remove(session.ttl(), session);
	}

	/**
	 * The sessions open now, for tests and diagnostics.
	 */
	synchronized int openSessions() {
		return this.sessions.size();
	}

	/**
	 * Closes every session, so that this JVM's locks are freed on the server at once
	 * rather than at expiry; locks still on them are reported lost. Waits for the
	 * backend's close requests to finish.
	 */
	@Override
	public void close() {
		List<SharedSession> all;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			all = new ArrayList<>(this.sessions.values());
		}
		List<CompletableFuture<?>> closing = new ArrayList<>();
		for (SharedSession session : all) {
			closing.add(session.end("the " + name() + " lock backend was closed", true));
		}
		CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).join();
	}

	/**
	 * The layer over a backend that also checks its connection.
	 */
	private static final class Checked extends SharedSessions implements ConnectionCheck {

		private final ConnectionCheck check;

		Checked(SessionLockBackend backend, ScheduledExecutorService scheduler) {
			super(backend, scheduler);
			this.check = (ConnectionCheck) backend;
		}

		@Override
		public void checkConnection() {
			this.check.checkConnection();
		}

	}

	/**
	 * The scheduler of standalone layers: created on first use, its one daemon thread
	 * started by the first task.
	 */
	private static final class StandaloneScheduler {

		static final ScheduledThreadPoolExecutor INSTANCE = create();

		private static ScheduledThreadPoolExecutor create() {
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, (runnable) -> {
				Thread thread = new Thread(runnable, "distlock-sessions");
				thread.setDaemon(true);
				return thread;
			});
			scheduler.setRemoveOnCancelPolicy(true);
			// No thread lingers once raw use has ended; it never exits while a task is
			// pending.
			scheduler.setKeepAliveTime(1, TimeUnit.MINUTES);
			scheduler.allowCoreThreadTimeOut(true);
			return scheduler;
		}

	}

}
