package io.github.distlock.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.distlock.core.LockListener.LockInfo;
import io.github.distlock.spi.BackendLock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One acquisition on the backend, shared by the acquiring hold and any nested holds: its
 * local validity deadline ({@code confirmedAt + ttl - margin}), its renewal, its loss,
 * and its release once the last hold is released.
 *
 * <p>
 * The loss path: the backend reports it to {@link #lost} (or the deadline check finds the
 * validity over); under the monitor the reason is recorded, renewal stops and a guarded
 * call is told (the lost-lock policy); then, on the scheduler, the loss is logged, the
 * listeners (metrics, the application event) are told and the lease's {@code onLost}
 * callbacks run.
 */
final class ManagedLock {

	private static final Log logger = LogFactory.getLog(ManagedLock.class);

	final LockInfo info;

	final BackendLock backendLock;

	final long acquiredAtNanos = System.nanoTime();

	final Instant acquiredAt = Instant.now();

	/** The name of the thread that acquired it, for operators. */
	final String ownerThread = Thread.currentThread().getName();

	final LockObserver.Holding holding;

	private final KeyQueue queue;

	private final KeyQueue.Entry entry;

	private final LockScheduler scheduler;

	private final LockListener listener;

	private final long ttlNanos;

	private final long marginNanos;

	private final long renewalIntervalNanos;

	private final boolean autoRenew;

	private final long firstConfirmedAtNanos;

	private final AtomicInteger holds = new AtomicInteger();

	private final List<Runnable> lostCallbacks = new ArrayList<>();

	private final AtomicLong renewals = new AtomicLong();

	private volatile @Nullable Instant lastRenewal;

	private volatile @Nullable String lostReason;

	private boolean finished;

	private boolean backendReleased;

	private LockedCall.@Nullable Guard guard;

	private @Nullable ScheduledFuture<?> renewal;

	private @Nullable ScheduledFuture<?> deadlineCheck;

	ManagedLock(KeyQueue queue, KeyQueue.Entry entry, LockInfo info, BackendLock backendLock, Duration ttl,
			boolean autoRenew, LockScheduler scheduler, LockListener listener, LockSettings settings,
			LockObserver.Holding holding) {
		this.queue = queue;
		this.entry = entry;
		this.info = info;
		this.backendLock = backendLock;
		this.scheduler = scheduler;
		this.listener = listener;
		this.ttlNanos = ttl.toNanos();
		this.marginNanos = settings.marginNanos(ttl);
		this.renewalIntervalNanos = settings.renewalIntervalNanos(ttl);
		this.autoRenew = autoRenew;
		this.firstConfirmedAtNanos = backendLock.confirmedAtNanos();
		this.holding = holding;
	}

	/**
	 * Starts renewal and the deadline check, and listens for the backend's loss report.
	 */
	void start() {
		this.backendLock.onLost(this::lost);
		synchronized (this) {
			if (this.finished || this.lostReason != null) {
				return;
			}
			if (this.autoRenew) {
				this.renewal = this.scheduler.executor()
					.scheduleWithFixedDelay(this::renew, this.renewalIntervalNanos, this.renewalIntervalNanos,
							TimeUnit.NANOSECONDS);
			}
			scheduleDeadlineCheck();
		}
	}

	@Nullable String lostReason() {
		return this.lostReason;
	}

	/**
	 * Successful renewals so far.
	 */
	long renewals() {
		return this.renewals.get();
	}

	/**
	 * When the last successful renewal ended, or {@code null} before the first.
	 */
	@Nullable Instant lastRenewal() {
		return this.lastRenewal;
	}

	long validUntilNanos() {
		long confirmed = this.autoRenew ? this.backendLock.confirmedAtNanos() : this.firstConfirmedAtNanos;
		return confirmed + this.ttlNanos - this.marginNanos;
	}

	boolean isHeld() {
		return this.lostReason == null && !this.finished && System.nanoTime() - validUntilNanos() < 0;
	}

	/**
	 * The acquiring call's hold.
	 */
	LockHold firstHold() {
		this.holds.incrementAndGet();
		return new LockHold(this);
	}

	/**
	 * A nested hold of the enclosed thread, or {@code null} when the last hold was
	 * released meanwhile (from another thread): a finished lock is never held again.
	 */
	@Nullable LockHold nestedHold() {
		int current;
		do {
			current = this.holds.get();
			if (current == 0) {
				return null;
			}
		}
		while (!this.holds.compareAndSet(current, current + 1));
		return new LockHold(this);
	}

	/**
	 * Ends the acquiring thread's enclosure once the synchronous part of asynchronous
	 * work returned.
	 */
	void unbind() {
		this.entry.unbind(this);
	}

	void holdReleased() {
		if (this.holds.decrementAndGet() == 0) {
			finish();
		}
	}

	/**
	 * Guards a call running under this lock, so that a loss reaches its lost-lock policy.
	 * @return whether the guard was taken (nested calls leave the outer guard in place)
	 */
	synchronized boolean guard(LockedCall.Guard call) {
		if (this.guard != null) {
			return false;
		}
		this.guard = call;
		return true;
	}

	synchronized void unguard(LockedCall.Guard call) {
		if (this.guard == call) {
			this.guard = null;
		}
	}

	void onLost(Runnable callback) {
		synchronized (this) {
			if (this.lostReason == null) {
				this.lostCallbacks.add(callback);
				return;
			}
		}
		runCallback(callback);
	}

	void lost(String reason) {
		List<Runnable> callbacks = markLost(reason);
		if (callbacks != null) {
			// Losses are often seen on a client library's I/O or event thread; user
			// callbacks and event listeners that call the lock server from there could
			// stall or deadlock it, so they run on our scheduler.
			this.scheduler.dispatch(() -> reportLost(reason, callbacks));
		}
	}

	/**
	 * Takes the lock away from its holder on purpose (an operator, or the end of the
	 * shutdown grace period): the loss is reported on this thread, to the holder's
	 * policy, callbacks and listeners, and only then is the lock released.
	 */
	void revoke(String reason) {
		List<Runnable> callbacks = markLost(reason);
		if (callbacks != null) {
			reportLost(reason, callbacks);
		}
		finish();
	}

	/**
	 * Records the loss and tells a guarded call.
	 * @return the callbacks to run, or {@code null} when the lock was already lost or
	 * released
	 */
	private synchronized @Nullable List<Runnable> markLost(String reason) {
		if (this.finished || this.lostReason != null) {
			return null;
		}
		this.lostReason = reason;
		if (this.guard != null) {
			this.guard.lockLost();
		}
		cancelTasks();
		return List.copyOf(this.lostCallbacks);
	}

	private void reportLost(String reason, List<Runnable> callbacks) {
		logger.error("Lock '" + this.info.key() + "' (" + this.info.name() + ", backend " + this.info.backend()
				+ ", fencing token " + this.backendLock.fencingToken() + ") was lost while held: " + reason
				+ ". The code it protects may overlap with another holder; only a fencing-token check at the "
				+ "protected resource rules that out.");
		this.listener.lost(this.info, this.backendLock.fencingToken(), reason);
		this.holding.lost(reason);
		callbacks.forEach(this::runCallback);
	}

	/**
	 * Releases the lock on the backend, reports a loss found at release, and lets the
	 * next thread in.
	 */
	void finish() {
		synchronized (this) {
			if (this.finished) {
				return;
			}
			this.finished = true;
			cancelTasks();
		}
		boolean ours = releaseOnBackend();
		boolean wasLost = this.lostReason != null;
		if (!ours && !wasLost) {
			wasLost = true;
			this.lostReason = "the server no longer held the lock for this owner at release";
			logger.error("Lock '" + this.info.key() + "' was found gone or taken by another holder when released: "
					+ "it had been lost without notice, and the code it protected may have overlapped with another "
					+ "holder");
			this.listener.lost(this.info, this.backendLock.fencingToken(), this.lostReason);
			this.holding.lost(this.lostReason);
		}
		this.listener.released(this.info, wasLost, System.nanoTime() - this.acquiredAtNanos);
		this.holding.released(wasLost);
		this.entry.released();
		this.queue.leave(this.entry);
	}

	private void scheduleDeadlineCheck() {
		long delay = Math.max(0, validUntilNanos() - System.nanoTime());
		this.deadlineCheck = this.scheduler.executor().schedule(this::checkDeadline, delay, TimeUnit.NANOSECONDS);
	}

	private void checkDeadline() {
		synchronized (this) {
			if (this.finished || this.lostReason != null) {
				return;
			}
			if (System.nanoTime() - validUntilNanos() < 0) {
				scheduleDeadlineCheck();
				return;
			}
		}
		long ttlMillis = TimeUnit.NANOSECONDS.toMillis(this.ttlNanos);
		lost(this.autoRenew ? "no successful renewal within the ttl of " + ttlMillis + "ms"
				: "the ttl of " + ttlMillis + "ms elapsed and autoRenew is off");
		releaseOnBackend();
	}

	private void renew() {
		if (this.finished || this.lostReason != null) {
			return;
		}
		try {
			if (!this.backendLock.renew()) {
				lost("the server no longer holds the lock for this owner (found at renewal)");
				return;
			}
			this.renewals.incrementAndGet();
			this.lastRenewal = Instant.now();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.warn("Renewal of lock '" + this.info.key() + "' failed; retrying until its validity ends: " + ex);
		}
	}

	private void runCallback(Runnable callback) {
		try {
			callback.run();
		}
		catch (RuntimeException ex) {
			logger.warn("An onLost callback of lock '" + this.info.key() + "' failed", ex);
		}
	}

	/**
	 * @return whether the backend deleted our lock (or it was already released by us)
	 */
	private boolean releaseOnBackend() {
		synchronized (this) {
			if (this.backendReleased) {
				return true;
			}
			this.backendReleased = true;
		}
		try {
			return this.backendLock.release();
		}
		catch (RuntimeException ex) {
			logger.warn("Releasing lock '" + this.info.key() + "' on backend " + this.info.backend()
					+ " failed; the server frees it when its ttl expires: " + ex);
			return true;
		}
	}

	private void cancelTasks() {
		if (this.renewal != null) {
			this.renewal.cancel(false);
		}
		if (this.deadlineCheck != null) {
			this.deadlineCheck.cancel(false);
		}
	}

}
