package io.github.distlock.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import io.github.distlock.LockNotAcquiredException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The locks this JVM holds, as operators see and handle them: described, taken away on
 * purpose, and drained at shutdown.
 */
public final class LockInventory {

	private static final Log logger = LogFactory.getLog(LockInventory.class);

	private final KeyQueue queue;

	private final RecentLosses recentLosses;

	private final AtomicBoolean shuttingDown = new AtomicBoolean();

	LockInventory(KeyQueue queue, RecentLosses recentLosses) {
		this.queue = queue;
		this.recentLosses = recentLosses;
	}

	/**
	 * The locks this JVM holds now.
	 */
	public List<HeldLock> heldLocks() {
		long now = System.nanoTime();
		return this.queue.held().stream().map((lock) -> describe(lock, now)).toList();
	}

	/**
	 * The last {@value RecentLosses#CAPACITY} locks this JVM lost while holding them,
	 * newest first.
	 */
	public List<LostLock> recentLosses() {
		return this.recentLosses.list();
	}

	/**
	 * Takes the held locks that {@code which} selects away from their holders: each is
	 * reported lost (to the lost-lock policy, {@code onLost} callbacks, metrics and
	 * events) and only then released on the server.
	 * @param reason why, as the holders are told
	 * @return the locks released
	 */
	public List<HeldLock> forceRelease(Predicate<HeldLock> which, String reason) {
		List<HeldLock> released = new ArrayList<>();
		for (ManagedLock lock : this.queue.held()) {
			HeldLock held = describe(lock, System.nanoTime());
			if (which.test(held)) {
				lock.revoke(reason);
				released.add(held);
			}
		}
		return released;
	}

	/**
	 * Marks the start of shutdown, from which no new lock is granted.
	 * @return whether this call began it
	 */
	boolean beginShutdown() {
		return this.shuttingDown.compareAndSet(false, true);
	}

	boolean isShuttingDown() {
		return this.shuttingDown.get();
	}

	void refuseIfShuttingDown(String display) {
		if (this.shuttingDown.get()) {
			throw new LockNotAcquiredException(display, "Lock '" + display + "' was not acquired: the application is "
					+ "shutting down, and distlock grants no new locks while it waits for the locked code still running",
					null);
		}
	}

	/**
	 * Gives the holders up to {@code gracePeriod} to release their locks, then revokes
	 * the locks running code still holds and ends holdAtLeast remainders as at shutdown.
	 */
	void drain(Duration gracePeriod) {
		try {
			if (!this.queue.awaitNoneInUse(System.nanoTime() + gracePeriod.toNanos())) {
				logger.warn("Releasing " + this.queue.held().stream().filter(ManagedLock::inUse).count()
						+ " lock(s) still held when the shutdown grace period of " + gracePeriod.toMillis()
						+ "ms ended (distlock.shutdown.grace-period)");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		for (ManagedLock lock : this.queue.held()) {
			if (lock.inUse()) {
				lock.revoke("the application shut down while it was held (released when "
						+ "distlock.shutdown.grace-period ended)");
			}
			else {
				// Only a holdAtLeast remainder: not lost, ended as its backend documents.
				lock.finishAtShutdown();
			}
		}
	}

	private static HeldLock describe(ManagedLock lock, long now) {
		return new HeldLock(lock.info.key(), lock.info.name(), lock.fencingToken, lock.ownerThread, lock.acquiredAt,
				Duration.ofNanos(now - lock.acquiredAtNanos), Duration.ofNanos(lock.validUntilNanos() - now),
				lock.renewals.count(), lock.renewals.last(), lock.lostReason());
	}

}
