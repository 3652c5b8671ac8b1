package io.github.distlock.core;

import java.time.Duration;
import java.util.Optional;

import io.github.distlock.Lease;
import io.github.distlock.LockBackendException;
import io.github.distlock.LockNotAcquiredException;
import io.github.distlock.LockOptions;
import io.github.distlock.core.LockListener.AcquireOutcome;
import io.github.distlock.core.LockListener.LockInfo;
import io.github.distlock.spi.BackendLock;
import io.github.distlock.spi.LockBackend;
import org.jspecify.annotations.Nullable;

/**
 * One acquisition, the lock template's main path: a nested hold of the enclosing thread,
 * or the key's in-JVM permit, then the backend (riding out transient failures until the
 * wait deadline), then a {@link ManagedLock} that renews and watches the new lock; with
 * the wait, hold and error reported to the listeners and the observer.
 */
final class LockAcquirer {

	private static final String UNNAMED = "unnamed";

	private final LockBackend backend;

	private final LockSettings settings;

	private final LockListener listener;

	private final LockObserver observer;

	private final KeyQueue queue;

	private final LockInventory inventory;

	private final LockScheduler scheduler;

	LockAcquirer(LockBackend backend, LockSettings settings, LockListener listener, LockObserver observer,
			KeyQueue queue, LockInventory inventory, LockScheduler scheduler) {
		this.backend = backend;
		this.settings = settings;
		this.listener = listener;
		this.observer = observer;
		this.queue = queue;
		this.inventory = inventory;
		this.scheduler = scheduler;
	}

	/**
	 * Acquires the lock; {@code async} for work that continues in a stage, which never
	 * nests in an enclosing hold: its work would outlive or overlap it, and waiting for
	 * it would deadlock this thread.
	 */
	Optional<Lease> tryAcquire(Object key, LockOptions options, boolean async) {
		String encoded = LockKeys.encode(key);
		String display = LockKeys.display(key);
		Duration ttl = (options.ttl() != null) ? options.ttl() : this.settings.defaultTtl();
		Duration waitTime = waitTime(options);
		Duration holdAtLeast = holdAtLeast(options, ttl, display);
		LockInfo info = new LockInfo(display, (options.name() != null) ? options.name() : UNNAMED, this.backend.name());
		long start = System.nanoTime();
		KeyQueue.Entry entry = this.queue.enter(encoded);
		ManagedLock enclosing = entry.enclosingLock();
		if (enclosing != null) {
			LockHold nested = nestedHold(entry, enclosing, display, async);
			if (nested != null) {
				return Optional.of(nested);
			}
			// Released from another thread just now: acquire it anew.
		}
		LockObserver.Acquisition observed = this.observer.acquisitionStarted(info);
		boolean permitTaken = false;
		try {
			this.inventory.refuseIfShuttingDown(display);
			long deadline = start + waitTime.toNanos();
			permitTaken = entry.tryTakePermit(waitTime.toNanos());
			if (!permitTaken) {
				this.queue.leave(entry);
				timedOut(info, start, observed);
				return Optional.empty();
			}
			this.inventory.refuseIfShuttingDown(display);
			LocalRun run = takeOver(entry, ttl);
			if (run == null) {
				entry.awaitCourtesy(deadline);
				Optional<BackendLock> acquired = TransientRetries.acquire(this.backend, encoded, ttl, deadline);
				if (acquired.isEmpty()) {
					entry.returnPermit();
					this.queue.leave(entry);
					timedOut(info, start, observed);
					return Optional.empty();
				}
				run = newRun(acquired.get(), ttl, display);
			}
			if (this.inventory.isShuttingDown()) {
				// Granted while shutdown began: hand it back rather than start work now.
				run.release();
				this.inventory.refuseIfShuttingDown(display);
			}
			long token = run.nextToken();
			ManagedLock lock = new ManagedLock(this.queue, entry, info, run, token, ttl, options.autoRenew(),
					holdAtLeast, this.scheduler, this.listener, this.settings, observed.acquired(token));
			entry.held(lock);
			this.listener.acquireFinished(info, AcquireOutcome.ACQUIRED, System.nanoTime() - start);
			lock.start();
			return Optional.of(lock.firstHold());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			LockNotAcquiredException interrupted = new LockNotAcquiredException(display,
					"Interrupted while waiting for lock '" + display + "'; the interrupt flag is set again", ex);
			failed(entry, permitTaken, info, start, observed, interrupted);
			throw interrupted;
		}
		catch (RuntimeException ex) {
			failed(entry, permitTaken, info, start, observed, ex);
			if (ex instanceof LockBackendException || ex instanceof IllegalArgumentException
					|| ex instanceof LockNotAcquiredException) {
				// A request the backend cannot honour (say, a ttl outside its range) is
				// the caller's to fix,
				// not an outage.
				throw ex;
			}
			throw new LockBackendException("Backend '" + this.backend.name() + "' failed to acquire lock '" + display
					+ "': " + ex.getMessage(), ex);
		}
	}

	/**
	 * The run the previous holder handed over, when it suits this request; one that does
	 * not is released on the backend.
	 */
	private static @Nullable LocalRun takeOver(KeyQueue.Entry entry, Duration ttl) {
		LocalRun handed = entry.takeHandoff();
		if (handed != null && !handed.acceptsTakeover(ttl)) {
			handed.release();
			return null;
		}
		return handed;
	}

	private LocalRun newRun(BackendLock acquired, Duration ttl, String display) {
		try {
			return new LocalRun(acquired, ttl, this.backend.name(), display);
		}
		catch (RuntimeException ex) {
			acquired.release();
			throw ex;
		}
	}

	private @Nullable LockHold nestedHold(KeyQueue.Entry entry, ManagedLock enclosing, String display, boolean async) {
		if (async) {
			this.queue.leave(entry);
			throw cannotNestAsync(display);
		}
		String lostReason = enclosing.lostReason();
		if (lostReason != null) {
			this.queue.leave(entry);
			// Nesting under a lost lock would run the inner code with no protection at
			// all.
			throw new LockNotAcquiredException(display,
					"Lock '" + display + "' is already held by this thread, but that lease was lost: " + lostReason,
					null);
		}
		LockHold nested = enclosing.nestedHold();
		if (nested != null) {
			this.queue.leave(entry);
		}
		return nested;
	}

	static LockNotAcquiredException cannotNestAsync(String display) {
		return new LockNotAcquiredException(display,
				"Lock '" + display + "' is held by an enclosing call on "
						+ "this thread; an asynchronous hold cannot nest in it, because its work would outlive or "
						+ "overlap the enclosing hold, and waiting for that hold would deadlock this thread. Start the "
						+ "asynchronous call after the enclosing one has returned, or lock another key",
				null);
	}

	private static Duration holdAtLeast(LockOptions options, Duration ttl, String display) {
		Duration holdAtLeast = (options.holdAtLeast() != null) ? options.holdAtLeast() : Duration.ZERO;
		if (!options.autoRenew() && holdAtLeast.compareTo(ttl) > 0) {
			throw new IllegalArgumentException("Lock '" + display + "': holdAtLeast " + holdAtLeast
					+ " is longer than the ttl " + ttl + " and autoRenew is off, so the lock would expire first; "
					+ "raise the ttl to at least holdAtLeast, or turn autoRenew on");
		}
		return holdAtLeast;
	}

	Duration waitTime(LockOptions options) {
		return (options.waitTime() != null) ? options.waitTime() : this.settings.defaultWaitTime();
	}

	private void timedOut(LockInfo info, long start, LockObserver.Acquisition observed) {
		this.listener.acquireFinished(info, AcquireOutcome.TIMEOUT, System.nanoTime() - start);
		observed.notAcquired(AcquireOutcome.TIMEOUT, null);
	}

	private void failed(KeyQueue.Entry entry, boolean permitTaken, LockInfo info, long start,
			LockObserver.Acquisition observed, Throwable error) {
		if (permitTaken) {
			entry.returnPermit();
		}
		this.queue.leave(entry);
		this.listener.acquireFinished(info, AcquireOutcome.ERROR, System.nanoTime() - start);
		observed.notAcquired(AcquireOutcome.ERROR, error);
	}

}
