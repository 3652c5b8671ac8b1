package io.github.distlock.core;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * The in-JVM queue: per key, a fair permit that this JVM's threads take before they talk
 * to the backend, so only one of them holds or acquires the key at a time, and the thread
 * that the held lock encloses.
 */
final class KeyQueue {

	private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

	/** Notified when a lock is released while {@link #awaitNoneInUse} waits. */
	private final Object drained = new Object();

	private volatile boolean draining;

	private static final long REMAINDER_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	/** The longest pause a release's courtesy imposes on this instance's next thread. */
	private static final long MAX_COURTESY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	/**
	 * The key's entry, counting the caller as a user until {@link #leave}.
	 */
	Entry enter(String encodedKey) {
		return this.entries.compute(encodedKey, (key, existing) -> {
			Entry entry = (existing != null) ? existing : new Entry(key);
			entry.users++;
			return entry;
		});
	}

	/**
	 * Counts one user less; an entry nobody waits for or holds is dropped.
	 */
	void leave(Entry entry) {
		boolean[] dropped = { false };
		this.entries.computeIfPresent(entry.encodedKey, (key, existing) -> {
			dropped[0] = --existing.users == 0;
			return dropped[0] ? null : existing;
		});
		if (dropped[0]) {
			// The waiter it was handed to gave up, and nobody else wants it.
			LocalRun orphan = entry.takeHandoff();
			if (orphan != null) {
				orphan.release();
			}
		}
		if (this.draining) {
			synchronized (this.drained) {
				this.drained.notifyAll();
			}
		}
	}

	/**
	 * Waits until no lock is in use by running code (a holdAtLeast remainder does not
	 * count), or the deadline passes.
	 * @return whether no lock is in use
	 */
	boolean awaitNoneInUse(long deadlineNanos) throws InterruptedException {
		synchronized (this.drained) {
			this.draining = true;
			while (held().stream().anyMatch(ManagedLock::inUse)) {
				long left = deadlineNanos - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				// Releases notify; a lock entering its remainder does not, so look again
				// soon.
				TimeUnit.NANOSECONDS.timedWait(this.drained, Math.min(left, REMAINDER_CHECK_NANOS));
			}
			return true;
		}
	}

	/**
	 * Whether a lock held on the key encloses the current thread.
	 */
	boolean encloses(String encodedKey) {
		Entry entry = this.entries.get(encodedKey);
		return entry != null && entry.enclosingLock() != null;
	}

	/**
	 * The locks held now.
	 */
	List<ManagedLock> held() {
		return this.entries.values().stream().map((entry) -> entry.lock).filter((lock) -> lock != null).toList();
	}

	/**
	 * One key's local state.
	 */
	static final class Entry {

		final String encodedKey;

		private final Semaphore permit = new Semaphore(1, true);

		/** Threads waiting for or holding this key; guarded by the map's compute. */
		private int users;

		/**
		 * The thread the held lock encloses, if any; only ever compared with the current
		 * thread.
		 */
		private volatile @Nullable Thread owner;

		private volatile @Nullable ManagedLock lock;

		/** A lock still held on the backend, handed to whoever takes the permit next. */
		private final AtomicReference<@Nullable LocalRun> handoff = new AtomicReference<>();

		/**
		 * Until when this instance's next thread leaves the lock to others that were
		 * notified of the last release; 0 for no pause.
		 */
		private volatile long courtesyUntil;

		Entry(String encodedKey) {
			this.encodedKey = encodedKey;
		}

		boolean tryTakePermit(long timeoutNanos) throws InterruptedException {
			return this.permit.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
		}

		void returnPermit() {
			this.permit.release();
		}

		/**
		 * The lock held on this key if the current thread is enclosed by it, else
		 * {@code null}.
		 */
		@Nullable ManagedLock enclosingLock() {
			ManagedLock held = this.lock;
			return (held != null && this.owner == Thread.currentThread()) ? held : null;
		}

		/**
		 * Records a lock just acquired by, and enclosing, the current thread.
		 */
		void held(ManagedLock acquired) {
			this.owner = Thread.currentThread();
			this.lock = acquired;
		}

		/**
		 * Ends the current thread's enclosure by {@code held}, leaving the lock held.
		 */
		void unbind(ManagedLock held) {
			if (this.owner == Thread.currentThread() && this.lock == held) {
				this.owner = null;
			}
		}

		/** Whether another thread waits for the permit. */
		boolean othersWaiting() {
			return this.permit.hasQueuedThreads();
		}

		/**
		 * Forgets the released lock and lets the next thread in, handing it {@code run},
		 * still held on the backend.
		 */
		void handOver(LocalRun run) {
			this.handoff.set(run);
			released();
		}

		/**
		 * The run handed over to the holder of the permit, if any; the caller takes it
		 * over or releases it.
		 */
		@Nullable LocalRun takeHandoff() {
			return this.handoff.getAndSet(null);
		}

		/**
		 * Forgets the released lock and lets the next thread in, after another instance
		 * had {@code courtesyNanos} to take the lock on the server.
		 */
		void released(long courtesyNanos) {
			this.courtesyUntil = (courtesyNanos > 0) ? System.nanoTime() + Math.min(courtesyNanos, MAX_COURTESY_NANOS)
					: 0;
			released();
		}

		/**
		 * Waits out the courtesy of the last release, if any, before this thread tries
		 * the server; at most until {@code deadlineNanos}.
		 */
		void awaitCourtesy(long deadlineNanos) throws InterruptedException {
			long until = this.courtesyUntil;
			if (until != 0) {
				this.courtesyUntil = 0;
				long pause = Math.min(until, deadlineNanos) - System.nanoTime();
				if (pause > 0) {
					TimeUnit.NANOSECONDS.sleep(pause);
				}
			}
		}

		/**
		 * Forgets the released lock and lets the next thread in.
		 */
		void released() {
			this.owner = null;
			this.lock = null;
			this.permit.release();
		}

	}

}
