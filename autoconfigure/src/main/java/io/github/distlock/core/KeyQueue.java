package io.github.distlock.core;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

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
		this.entries.computeIfPresent(entry.encodedKey, (key, existing) -> (--existing.users == 0) ? null : existing);
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
