package io.github.distlock.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.distlock.core.LockListener.LockInfo;
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
 *
 * <p>
 * With a {@code holdAtLeast}, the release of the last hold before that time only starts
 * the remainder: where the backend keeps a per-lock expiry
 * ({@link io.github.distlock.spi.ExpiringBackendLock}) the server is told to expire the
 * lock at its end and nothing renews it; otherwise renewal goes on until the remainder
 * ends and the lock is released. Either way the in-JVM queue stays closed until then, and
 * the remainder is never reentered.
 */
final class ManagedLock {

	private static final Log logger = LogFactory.getLog(ManagedLock.class);

	final LockInfo info;

	/** The backend acquisition this lock is one holder of. */
	private final LocalRun run;

	final long fencingToken;

	final long acquiredAtNanos = System.nanoTime();

	final Instant acquiredAt = Instant.now();

	/** The name of the thread that acquired it, for operators. */
	final String ownerThread = Thread.currentThread().getName();

	final LockObserver.Holding holding;

	private final BackendRelease backendRelease;

	private final KeyQueue queue;

	private final KeyQueue.Entry entry;

	private final LockScheduler scheduler;

	private final LockListener listener;

	private final long ttlNanos;

	private final LockSettings.Handoff handoff;

	private final boolean serverBounded;

	private final long marginNanos;

	private final long renewalIntervalNanos;

	private final boolean autoRenew;

	private final long holdAtLeastNanos;

	private final long firstConfirmedAtNanos;

	private final AtomicInteger holds = new AtomicInteger();

	private final List<Runnable> lostCallbacks = new ArrayList<>();

	/** Successful renewals, for operators. */
	final RenewalCount renewals = new RenewalCount();

	private volatile @Nullable String lostReason;

	private boolean finished;

	/** The remainder of a holdAtLeast was handed to the server's expiry. */
	private boolean leftToServer;

	private LockedCall.@Nullable Guard guard;

	private @Nullable ScheduledFuture<?> renewal;

	private @Nullable ScheduledFuture<?> deadlineCheck;

	private @Nullable ScheduledFuture<?> remainderEnd;

	ManagedLock(KeyQueue queue, KeyQueue.Entry entry, LockInfo info, LocalRun run, long fencingToken, Duration ttl,
			boolean autoRenew, Duration holdAtLeast, LockScheduler scheduler, LockListener listener,
			LockSettings settings, LockObserver.Holding holding) {
		this.queue = queue;
		this.entry = entry;
		this.info = info;
		this.run = run;
		this.fencingToken = fencingToken;
		this.handoff = settings.handoff();
		this.scheduler = scheduler;
		this.listener = listener;
		// The server's own bound, when it is shorter, is the validity window: renewals
		// and the margin are sized to it.
		Duration validity = Duration.ofNanos(Math.min(ttl.toNanos(), this.run.backendLock.maxValidityNanos()));
		this.ttlNanos = validity.toNanos();
		this.serverBounded = validity.compareTo(ttl) < 0;
		this.marginNanos = settings.marginNanos(validity);
		this.renewalIntervalNanos = settings.renewalIntervalNanos(validity);
		this.autoRenew = autoRenew;
		this.holdAtLeastNanos = holdAtLeast.toNanos();
		this.firstConfirmedAtNanos = this.run.backendLock.confirmedAtNanos();
		this.holding = holding;
		this.backendRelease = new BackendRelease(this.run.backendLock, info, this.ttlNanos, scheduler);
	}

	/** Starts renewal and the deadline check, and listens for the backend's loss. */
	void start() {
		this.run.attach(this);
		synchronized (this) {
			if (this.finished || this.lostReason != null) {
				return;
			}
			if (this.autoRenew) {
				// Due an interval after the last confirmation, which a hand-over
				// inherits.
				long first = Math.max(0, this.firstConfirmedAtNanos + this.renewalIntervalNanos - System.nanoTime());
				this.renewal = this.scheduler.executor()
					.scheduleWithFixedDelay(this::renew, first, this.renewalIntervalNanos, TimeUnit.NANOSECONDS);
			}
			scheduleDeadlineCheck();
		}
	}

	@Nullable String lostReason() {
		return this.lostReason;
	}

	long validUntilNanos() {
		long confirmed = this.autoRenew ? this.run.backendLock.confirmedAtNanos() : this.firstConfirmedAtNanos;
		return confirmed + this.ttlNanos - this.marginNanos;
	}

	boolean isHeld() {
		return this.lostReason == null && !this.finished && System.nanoTime() - validUntilNanos() < 0;
	}

	/** The acquiring call's hold. */
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

	/** Ends the thread's enclosure once the synchronous part of async work returned. */
	void unbind() {
		this.entry.unbind(this);
	}

	void holdReleased() {
		if (this.holds.decrementAndGet() == 0) {
			long remaining = this.acquiredAtNanos + this.holdAtLeastNanos - System.nanoTime();
			if (remaining > 0 && this.lostReason == null) {
				holdRemainder(remaining);
			}
			else {
				finish();
			}
		}
	}

	/** Keeps the lock, now without holds, until holdAtLeast after its acquisition. */
	private void holdRemainder(long remainingNanos) {
		this.entry.unbind(this);
		BackendRelease.Remainder remainder = this.backendRelease.handRemainderToServer(remainingNanos);
		if (remainder == BackendRelease.Remainder.GONE) {
			lost("the server no longer held the lock for this owner when its holdAtLeast remainder began");
			finish();
		}
		boolean expiresOnServer = remainder == BackendRelease.Remainder.ON_SERVER;
		synchronized (this) {
			if (this.finished || this.lostReason != null) {
				return;
			}
			long delay = remainingNanos;
			if (expiresOnServer) {
				this.leftToServer = true;
				cancelTasks();
			}
			else if (!this.autoRenew && this.deadlineCheck != null) {
				// Nothing runs under it any more: end with its validity rather than
				// report a loss.
				this.deadlineCheck.cancel(false);
				delay = Math.min(delay, validUntilNanos() - System.nanoTime());
			}
			this.remainderEnd = this.scheduler.executor().schedule(this::finish, delay, TimeUnit.NANOSECONDS);
		}
	}

	/** Whether running code holds the lock (not only a holdAtLeast remainder). */
	boolean inUse() {
		return this.holds.get() > 0;
	}

	/** Ends the lock at shutdown; a remainder is left to the server's expiry if any. */
	void finishAtShutdown() {
		if (this.holds.get() > 0) {
			logger.warn("Releasing lock '" + this.info.key() + "' still held at shutdown");
		}
		else if (!this.leftToServer) {
			logger.info("Releasing lock '" + this.info.key() + "' before its holdAtLeast ended: shutdown");
		}
		finish();
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
		LostLockReport.run(this.info, callback);
	}

	void lost(String reason) {
		List<Runnable> callbacks = markLost(reason);
		if (callbacks != null) {
			// Losses are often seen on a client library's I/O or event thread; user
			// callbacks and event listeners that call the lock server from there could
			// stall or deadlock it, so they run on our scheduler.
			this.scheduler.dispatch(() -> LostLockReport.report(this.info, this.fencingToken, reason, this.listener,
					this.holding, callbacks));
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
			LostLockReport.report(this.info, this.fencingToken, reason, this.listener, this.holding, callbacks);
		}
		finish();
	}

	/**
	 * Records the loss and tells a guarded call; the callbacks to run, or {@code null}
	 * when the lock was already lost or released.
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

	/**
	 * Hands the lock to the next local waiter while the hand-over bounds allow; else
	 * releases on the backend, reports a loss found then, and lets the next thread in.
	 */
	void finish() {
		synchronized (this) {
			if (this.finished) {
				return;
			}
			this.finished = true;
			cancelTasks();
		}
		boolean localWaiters = !this.leftToServer && this.lostReason == null && this.entry.othersWaiting();
		if (localWaiters && this.run.handOverFrom(this, this.handoff)) {
			this.listener.released(this.info, false, System.nanoTime() - this.acquiredAtNanos);
			this.holding.released(false);
			this.entry.handOver(this.run);
			this.queue.leave(this.entry);
			return;
		}
		boolean ours = this.leftToServer || this.backendRelease.once();
		long courtesy = localWaiters ? this.backendRelease.courtesyNanos() : 0;
		boolean wasLost = this.lostReason != null;
		if (!ours && !wasLost) {
			wasLost = true;
			this.lostReason = LostLockReport.foundGoneAtRelease(this.info, this.fencingToken, this.listener,
					this.holding);
		}
		this.listener.released(this.info, wasLost, System.nanoTime() - this.acquiredAtNanos);
		this.holding.released(wasLost);
		this.entry.released(courtesy);
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
		String window = this.serverBounded ? "the server's bound of " + ttlMillis + "ms (below the ttl)"
				: "the ttl of " + ttlMillis + "ms";
		lost(this.autoRenew ? "no successful renewal within " + window : window + " elapsed and autoRenew is off");
		this.backendRelease.once();
	}

	private void renew() {
		if (this.finished || this.lostReason != null) {
			return;
		}
		try {
			if (!this.run.backendLock.renew()) {
				lost("the server no longer holds the lock for this owner (found at renewal)");
				return;
			}
			this.renewals.record();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.warn("Renewal of lock '" + this.info.key() + "' failed; retrying until its validity ends: " + ex);
		}
	}

	private void cancelTasks() {
		if (this.renewal != null) {
			this.renewal.cancel(false);
		}
		if (this.deadlineCheck != null) {
			this.deadlineCheck.cancel(false);
		}
		if (this.remainderEnd != null) {
			this.remainderEnd.cancel(false);
		}
	}

}
